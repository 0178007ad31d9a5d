import { describe, expect, it } from 'vitest'
import type { CaseDetail } from '../../geo/cases/case-record.ts'
import type { CaseAction } from '../../geo/cases/case-transitions.ts'
import { FORM_ACTIONS, formAllowed, STEP_FORMS, stepBody, stepFields, type StepForm } from './step-forms.ts'

function detail(allowed: CaseAction[], over: Partial<CaseDetail> = {}): CaseDetail {
  return {
    case: {
      id: 7, state: 'reported', pendingStep: 'file', source: 'citizen', categoryCode: 'EV-0101', categoryName: null, categoryNameEn: null, priority: 2,
      description: '', address: null, lon: 0, lat: 0, gridCode: null, departmentCode: 'MUNICIPAL', assignedUnitId: null, expectedArrivalAt: null, cameraAlertId: null,
      reportedAt: '2026-06-01T08:00:00.000Z', filedAt: null, dispatchedAt: null, handledAt: null, reportedBackAt: null, verifiedAt: null,
      closedAt: null, deadlineAt: null, deferredUntil: null, overdue: false, reopenCount: 0, supervisionLevel: null, supervisionDueAt: null,
    },
    events: [], photos: [], cameraSnapshotUrl: null, supervisionOrders: [], exceptions: [], assignments: [],
    borderFlag: { flagged: false, distanceM: null, reason: null }, duplicates: [], allowedActions: allowed, ...over,
  }
}
const ctx = (allowed: CaseAction[], over: Partial<CaseDetail> = {}) => ({ detail: detail(allowed, over), categories: [{ code: 'EV-0101', name: 'manhole' }], departments: [{ code: 'MUNICIPAL', name: '市政' }] })
const defaults = (form: StepForm, allowed: CaseAction[]) => Object.fromEntries(stepFields(form, ctx(allowed)).map((f) => [f.name, f.value ?? '']))

describe('workflow-step forms', () => {
  it('offers a form exactly when the server allows one of its actions', () => {
    expect(formAllowed('verify', ['verify_fail'])).toBe(true)
    expect(formAllowed('exceptions', ['extend'])).toBe(true)
    expect(formAllowed('file', ['approve'])).toBe(false)
    // Every action but assign (which has its own keys) has a form.
    expect(new Set(STEP_FORMS.flatMap((f) => FORM_ACTIONS[f]))).toEqual(new Set(['file', 'approve', 'reject', 'dispatch', 'handle', 'report_back', 'verify_pass', 'verify_fail', 'close', 'return', 'void', 'extend', 'defer']))
  })

  it('requires a reason to reject, and sends the duplicate only for a duplicate', () => {
    const fields = stepFields('reject', ctx(['reject']))
    expect(stepBody('reject', fields, { kind: 'invalid', reason: ' ', duplicateOf: '' })).toEqual({ missing: ['reason'] })
    expect(stepBody('reject', fields, { kind: 'invalid', reason: 'test call', duplicateOf: '12' })).toEqual({ body: { kind: 'invalid', reason: 'test call' } })
    expect(stepBody('reject', fields, { kind: 'duplicate', reason: 'same hole', duplicateOf: '12' })).toEqual({ body: { kind: 'duplicate', reason: 'same hole', duplicateOf: 12 } })
  })

  it('prefills a reject as duplicate of the nearest suggestion', () => {
    const fields = stepFields('reject', ctx(['reject'], { duplicates: [{ id: 3, state: 'filed', distanceM: 20, reportedAt: '2026-06-01T07:00:00.000Z', description: '' }] }))
    expect(fields.find((f) => f.name === 'kind')?.value).toBe('duplicate')
    expect(fields.find((f) => f.name === 'duplicateOf')?.value).toBe('3')
  })

  it('files with the category and a numeric priority', () => {
    expect(stepBody('file', stepFields('file', ctx(['file'])), defaults('file', ['file']))).toEqual({ body: { categoryCode: 'EV-0101', priority: 2 } })
  })

  it('asks only for the exception kinds allowed, with the fields of the chosen one', () => {
    const fields = stepFields('exceptions', ctx(['extend', 'defer']))
    expect(fields.find((f) => f.name === 'kind')?.options?.map((o) => o.value)).toEqual(['extend', 'defer'])
    expect(stepBody('exceptions', fields, { kind: 'extend', reason: 'parts on order', requestedBy: '', extendMinutes: '90', until: '' }))
      .toEqual({ body: { kind: 'extend', reason: 'parts on order', extendMinutes: 90 } })
    expect(stepBody('exceptions', fields, { kind: 'defer', reason: 'festival', requestedBy: 'street office', extendMinutes: '90', until: '' })).toEqual({ missing: ['until'] })
    const deferred = stepBody('exceptions', fields, { kind: 'defer', reason: 'festival', requestedBy: '', extendMinutes: '', until: '2026-06-03T08:00' })
    expect(deferred).toEqual({ body: { kind: 'defer', reason: 'festival', until: new Date('2026-06-03T08:00').toISOString() } })
  })

  it('verifies with a boolean and a required note; reports back with photo URLs', () => {
    const verify = stepFields('verify', ctx(['verify_pass', 'verify_fail']))
    expect(stepBody('verify', verify, { passed: 'false', note: '' })).toEqual({ missing: ['note'] })
    expect(stepBody('verify', verify, { passed: 'false', note: 'still open' })).toEqual({ body: { passed: false, note: 'still open' } })
    const back = stepFields('report-back', ctx(['report_back']))
    expect(stepBody('report-back', back, { note: 'fixed', photoUrls: 'http://a/1.jpg\n http://a/2.jpg ' })).toEqual({ body: { note: 'fixed', photoUrls: ['http://a/1.jpg', 'http://a/2.jpg'] } })
  })

  it('dispatches to a department or a unit, not to nobody', () => {
    const fields = stepFields('dispatch', ctx(['dispatch']))
    expect(stepBody('dispatch', fields, { departmentCode: '', unitId: '', note: '' })).toEqual({ missing: ['departmentCode'] })
    expect(stepBody('dispatch', fields, { departmentCode: 'MUNICIPAL', unitId: '', note: '' })).toEqual({ body: { departmentCode: 'MUNICIPAL' } })
  })
})
