import type { CaseDetail } from '../../geo/cases/case-record.ts'
import type { CaseAction } from '../../geo/cases/case-transitions.ts'
import type { MessageKey } from '../i18n.ts'

/**
 * The workflow-step forms: which fields each step asks for (the same as the step's route accepts, required where
 * the route requires them) and how the typed values become the request body. Kept free of the DOM so the rules
 * can be tested; the page draws the fields.
 */

/** One form per POST /api/v1/cases/{id}/<step> route (assignment has its own keys). */
export const STEP_FORMS = ['file', 'approve', 'reject', 'dispatch', 'handle', 'report-back', 'verify', 'close', 'exceptions'] as const
export type StepForm = (typeof STEP_FORMS)[number]

/** The state-machine actions each form can perform: it is offered when the server allows one of them. */
export const FORM_ACTIONS: Record<StepForm, readonly CaseAction[]> = {
  file: ['file'],
  approve: ['approve'],
  reject: ['reject'],
  dispatch: ['dispatch'],
  handle: ['handle'],
  'report-back': ['report_back'],
  verify: ['verify_pass', 'verify_fail'],
  close: ['close'],
  exceptions: ['return', 'void', 'extend', 'defer'],
}

export interface Option {
  value: string
  /** A message key, or text already in the page language. */
  label: MessageKey | { text: string }
}

export interface Field {
  name: string
  kind: 'text' | 'textarea' | 'select' | 'number' | 'datetime'
  label: MessageKey
  required: boolean
  value?: string
  options?: Option[]
  /** Shown (and sent) only while another field has this value. */
  showIf?: { field: string; value: string }
  min?: number
  max?: number
}

export interface FormContext {
  detail: CaseDetail
  /** Active categories, code and name in the page language. */
  categories: Array<{ code: string; name: string }>
  /** Departments a case can go to, name in the page language. */
  departments: Array<{ code: string; name: string }>
}

export const formAllowed = (form: StepForm, allowed: readonly CaseAction[]): boolean => FORM_ACTIONS[form].some((a) => allowed.includes(a))

const note = (required: boolean, label: MessageKey = 'dispatch.field.note'): Field => ({ name: 'note', kind: 'textarea', label, required })
const reason: Field = { name: 'reason', kind: 'textarea', label: 'dispatch.field.reason', required: true }

export function stepFields(form: StepForm, { detail, categories, departments }: FormContext): Field[] {
  const c = detail.case
  const allowed = detail.allowedActions
  switch (form) {
    case 'file':
      return [
        {
          name: 'categoryCode', kind: 'select', label: 'dispatch.field.category', required: false, value: c.categoryCode ?? '',
          options: categories.map((x) => ({ value: x.code, label: { text: `${x.code} ${x.name}` } })),
        },
        {
          name: 'priority', kind: 'select', label: 'dispatch.field.priority', required: false, value: String(c.priority),
          options: [1, 2, 3, 4].map((p) => ({ value: String(p), label: { text: `P${p}` } })),
        },
        note(false),
      ]
    case 'reject':
      return [
        {
          name: 'kind', kind: 'select', label: 'dispatch.field.rejectKind', required: true, value: detail.duplicates.length ? 'duplicate' : 'invalid',
          options: [{ value: 'invalid', label: 'dispatch.reject.invalid' }, { value: 'duplicate', label: 'dispatch.reject.duplicate' }],
        },
        reason,
        {
          name: 'duplicateOf', kind: 'number', label: 'dispatch.field.duplicateOf', required: false, min: 1,
          value: detail.duplicates[0] ? String(detail.duplicates[0].id) : '', showIf: { field: 'kind', value: 'duplicate' },
        },
      ]
    case 'dispatch':
      return [
        {
          name: 'departmentCode', kind: 'select', label: 'dispatch.field.department', required: false, value: c.departmentCode ?? '',
          options: [{ value: '', label: 'dispatch.field.noDepartment' }, ...departments.map((d) => ({ value: d.code, label: { text: `${d.code} ${d.name}` } }))],
        },
        { name: 'unitId', kind: 'text', label: 'dispatch.field.unit', required: false },
        note(false),
      ]
    case 'report-back':
      return [note(true, 'dispatch.field.result'), { name: 'photoUrls', kind: 'textarea', label: 'dispatch.field.photoUrls', required: false }]
    case 'verify': {
      const options: Option[] = []
      if (allowed.includes('verify_pass')) options.push({ value: 'true', label: 'dispatch.verify.pass' })
      if (allowed.includes('verify_fail')) options.push({ value: 'false', label: 'dispatch.verify.fail' })
      return [{ name: 'passed', kind: 'select', label: 'dispatch.field.verdict', required: true, value: options[0]?.value, options }, note(true)]
    }
    case 'exceptions': {
      const kinds = (['return', 'void', 'extend', 'defer'] as const).filter((k) => allowed.includes(k))
      return [
        {
          name: 'kind', kind: 'select', label: 'dispatch.field.exceptionKind', required: true, value: kinds[0],
          options: kinds.map((k) => ({ value: k, label: `dispatch.exception.${k}` as MessageKey })),
        },
        reason,
        { name: 'requestedBy', kind: 'text', label: 'dispatch.field.requestedBy', required: false },
        { name: 'extendMinutes', kind: 'number', label: 'dispatch.field.extendMinutes', required: true, min: 1, max: 60 * 24 * 90, value: '60', showIf: { field: 'kind', value: 'extend' } },
        { name: 'until', kind: 'datetime', label: 'dispatch.field.deferUntil', required: true, showIf: { field: 'kind', value: 'defer' } },
      ]
    }
    case 'approve':
    case 'handle':
    case 'close':
      return [note(false)]
  }
}

/** A camera alert is filed as a case or dismissed by a person, never by the system. */
export type AlertForm = 'file' | 'dismiss'

export function alertFields(form: AlertForm, categories: FormContext['categories']): Field[] {
  if (form === 'dismiss') return [reason]
  return [
    {
      name: 'categoryCode', kind: 'select', label: 'dispatch.field.category', required: true, value: '',
      options: [{ value: '', label: 'dispatch.field.choose' }, ...categories.map((x) => ({ value: x.code, label: { text: `${x.code} ${x.name}` } }))],
    },
    { name: 'description', kind: 'textarea', label: 'dispatch.field.description', required: false },
    note(false),
  ]
}

export type FormValues = Record<string, string>

export const fieldShown = (f: Field, values: FormValues): boolean => !f.showIf || values[f.showIf.field] === f.showIf.value

/** The body of a workflow step's request, or the fields that still need something. */
export function stepBody(form: StepForm, fields: readonly Field[], values: FormValues): { body: Record<string, unknown> } | { missing: string[] } {
  const out = formBody(fields, values)
  // The dispatch route needs a department, a unit or both.
  if (form === 'dispatch' && 'body' in out && out.body.departmentCode === undefined && out.body.unitId === undefined) return { missing: ['departmentCode'] }
  return out
}

/**
 * The request body for the typed values, or the fields that still need something. Blank optional fields are
 * left out, as the routes expect.
 */
export function formBody(fields: readonly Field[], values: FormValues): { body: Record<string, unknown> } | { missing: string[] } {
  const shown = fields.filter((f) => fieldShown(f, values))
  const missing = shown.filter((f) => f.required && !(values[f.name] ?? '').trim()).map((f) => f.name)
  if (missing.length) return { missing }
  const body: Record<string, unknown> = {}
  for (const f of shown) {
    const v = (values[f.name] ?? '').trim()
    if (!v) continue
    if (f.name === 'photoUrls') body.photoUrls = v.split(/\s+/).filter(Boolean)
    else if (f.name === 'passed') body.passed = v === 'true'
    else if (f.name === 'until') body.until = new Date(v).toISOString()
    else if (f.kind === 'number' || f.name === 'priority') body[f.name] = Number(v)
    else body[f.name] = v
  }
  return { body }
}
