import express, { Router } from 'express'
import { z } from 'zod'
import { OPERATIONS, principalOf, requireRole, type Role } from '../auth/principal.ts'
import { badRequestFromZod } from '../http/http-error.ts'
import { documentRoute } from '../http/api-docs.ts'
import { categoryCodeSchema, CATEGORY_PRIORITIES } from '../../geo/catalogue/category.ts'
import { mediaUrlSchema, MAX_MEDIA_URLS } from '../../geo/ingest/incident-report.ts'
import { OPEN_CASE_STATES, caseStateSchema } from '../../geo/cases/case-states.ts'
import { CASE_TRANSITIONS, type CaseAction } from '../../geo/cases/case-transitions.ts'
import { caseDetailSchema, caseSummarySchema } from '../../geo/cases/case-record.ts'
import { DEFAULT_BORDER_FLAG_METRES } from '../../geo/cases/border-flag.ts'
import { DEFAULT_DUPLICATE_RULE } from '../../geo/cases/duplicate-rule.ts'
import { reportableUnitStatusSchema, UNIT_STATUSES } from '../../geo/cases/unit-status.ts'
import type { CaseStore, ActionDetails } from './case-store.ts'
import { caseDetail, caseQueue, type DetailRules } from './case-queries.ts'
import { setUnitStatus } from './unit-assignment.ts'
import { dismissAlert, fileAlert } from './alert-decisions.ts'
import { categoryPatchSchema, categoryRecordSchema, departmentSchema, listCategories, listDepartments, updateCategory } from './category-store.ts'

/** Who reads the queue and a case: everyone who works with the operational picture. */
const READERS = OPERATIONS

/** The roles the state machine lets do an action in some state: the route lets them in, the store decides per state. */
export const rolesFor = (...actions: CaseAction[]): Role[] => [
  ...new Set(CASE_TRANSITIONS.filter((t) => actions.includes(t.action)).flatMap((t) => t.roles)),
]

const note = z.string().trim().min(1).max(2000)
const reason = z.string().trim().min(1).max(1000)
const unitId = z.string().min(1).max(64)

const FileBody = z.strictObject({
  categoryCode: categoryCodeSchema.optional().describe('confirm or correct the category; brings its department and priority'),
  priority: z.literal(CATEGORY_PRIORITIES).optional(),
  note: note.optional(),
})
const NoteBody = z.strictObject({ note: note.optional() })
const RejectBody = z.strictObject({
  kind: z.enum(['invalid', 'duplicate']),
  reason,
  duplicateOf: z.number().int().positive().optional().describe('the case this one duplicates'),
})
const DispatchBody = z
  .strictObject({ departmentCode: z.string().min(1).optional(), unitId: unitId.optional(), note: note.optional() })
  .refine((b) => b.departmentCode !== undefined || b.unitId !== undefined, 'name a department, a unit, or both')
const AssignBody = z.strictObject({ unitId, note: note.optional() })
const ReportBackBody = z.strictObject({ note, photoUrls: z.array(mediaUrlSchema).max(MAX_MEDIA_URLS).default([]) })
const VerifyBody = z.strictObject({ passed: z.boolean(), note })
const ExceptionBody = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('return'), reason, requestedBy: z.string().min(1).max(200).optional() }),
  z.strictObject({ kind: z.literal('void'), reason, requestedBy: z.string().min(1).max(200).optional() }),
  z.strictObject({ kind: z.literal('extend'), reason, requestedBy: z.string().min(1).max(200).optional(), extendMinutes: z.int().min(1).max(60 * 24 * 90) }),
  z.strictObject({ kind: z.literal('defer'), reason, requestedBy: z.string().min(1).max(200).optional(), until: z.iso.datetime({ offset: true }) }),
])
const QueueQuery = z.object({
  state: z.string().transform((s) => s.split(',')).pipe(z.array(caseStateSchema)).optional().describe('comma-separated states; default all open states'),
  category: categoryCodeSchema.optional(),
  street: z.string().regex(/^\d+$/, 'expected an area code').optional().describe('area code (street, community or grid): cases in grids under it'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
})
const UnitStatusBody = z.strictObject({ status: reportableUnitStatusSchema })
const UnitStatusResponse = z.object({ unitId: z.string(), from: z.enum(UNIT_STATUSES), to: z.enum(UNIT_STATUSES), incidentId: z.number().int().nullable() })
const AlertFileBody = z.strictObject({ categoryCode: categoryCodeSchema, description: z.string().trim().max(4000).optional(), note: note.optional() })
const AlertDismissBody = z.strictObject({ reason })
const AlertDecision = z.object({ id: z.number().int(), state: z.string() }).loose()

const numericId = (what: string) => z.object({ id: z.string().regex(/^\d{1,15}$/, `expected a numeric ${what} id`).transform(Number) })
const CaseId = numericId('case')
const AlertId = numericId('camera alert')

function parse<T extends z.ZodType>(schema: T, value: unknown, where: 'query' | 'body' | 'params'): z.output<T> {
  const r = schema.safeParse(value ?? {})
  if (!r.success) throw badRequestFromZod(r.error, where)
  return r.data
}

const json = express.json({ limit: '64kb' })

/** One route per workflow step. */
const STEP_ROUTES: Array<{ path: string; actions: CaseAction[]; body: z.ZodType; summary: string; details: (b: never) => { action: CaseAction; d: ActionDetails } }> = [
  {
    path: 'file', actions: ['file'], body: FileBody, summary: 'File a collected case (立案): confirm category and priority; awaits the shift leader',
    details: (b: z.output<typeof FileBody>) => ({ action: 'file', d: { categoryCode: b.categoryCode, priority: b.priority, note: b.note } }),
  },
  {
    path: 'approve', actions: ['approve'], body: NoteBody, summary: 'Approve a filing (shift leader): the dispatch clock starts',
    details: (b: z.output<typeof NoteBody>) => ({ action: 'approve', d: { note: b.note } }),
  },
  {
    path: 'reject', actions: ['reject'], body: RejectBody, summary: 'Reject a report or a filing as invalid or a duplicate, with a reason (不予立案)',
    details: (b: z.output<typeof RejectBody>) => ({
      action: 'reject', d: { reason: b.reason, attributes: { rejectKind: b.kind, ...(b.duplicateOf ? { duplicateOf: b.duplicateOf } : {}) } },
    }),
  },
  {
    path: 'dispatch', actions: ['dispatch'], body: DispatchBody, summary: 'Dispatch (派遣) to a department and/or a unit; the handle clock starts',
    details: (b: z.output<typeof DispatchBody>) => ({ action: 'dispatch', d: { departmentCode: b.departmentCode, unitId: b.unitId, note: b.note } }),
  },
  {
    path: 'assign', actions: ['assign'], body: AssignBody,
    summary: 'Assign a unit: flips it available -> dispatched atomically (409 unit_unavailable if another dispatcher took it) and starts its timers; dispatches a filed case',
    details: (b: z.output<typeof AssignBody>) => ({ action: 'assign', d: { unitId: b.unitId, note: b.note } }),
  },
  {
    path: 'handle', actions: ['handle'], body: NoteBody, summary: 'Record the work done on site (处置)',
    details: (b: z.output<typeof NoteBody>) => ({ action: 'handle', d: { note: b.note } }),
  },
  {
    path: 'report-back', actions: ['report_back'], body: ReportBackBody, summary: 'Report back (反馈) with a note and photo URLs; the verify clock starts',
    details: (b: z.output<typeof ReportBackBody>) => ({ action: 'report_back', d: { note: b.note, photoUrls: b.photoUrls } }),
  },
  {
    path: 'verify', actions: ['verify_pass', 'verify_fail'], body: VerifyBody,
    summary: 'Verify on site (核查) — not by whoever reported back. passed: true -> verified; false -> back to handling, counted as a reopen',
    details: (b: z.output<typeof VerifyBody>) => ({ action: b.passed ? 'verify_pass' : 'verify_fail', d: { note: b.note } }),
  },
  {
    path: 'close', actions: ['close'], body: NoteBody, summary: 'Close a verified case (结案)',
    details: (b: z.output<typeof NoteBody>) => ({ action: 'close', d: { note: b.note } }),
  },
  {
    path: 'exceptions', actions: ['return', 'void', 'extend', 'defer'], body: ExceptionBody,
    summary: 'Exception (退回/作废/延期/缓办) with a reason; the caller is the approver. return: back a step; void: out of the loop; extend: +extendMinutes; defer: until, then the step limit runs again',
    details: (b: z.output<typeof ExceptionBody>) => ({
      action: b.kind,
      d: {
        reason: b.reason, requestedBy: b.requestedBy,
        extendMinutes: b.kind === 'extend' ? b.extendMinutes : undefined,
        deferUntil: b.kind === 'defer' ? new Date(b.until) : undefined,
      },
    }),
  },
]

for (const s of STEP_ROUTES) {
  documentRoute({
    method: 'post', path: `/api/v1/cases/{id}/${s.path}`, summary: s.summary, tags: ['cases'], body: s.body,
    response: caseSummarySchema, errors: [400, 401, 403, 404, 409], roles: rolesFor(...s.actions),
  })
}
documentRoute({
  method: 'get', path: '/api/v1/cases', summary: 'The case queue: by priority, then deadline; open states unless state= is given',
  tags: ['cases'], query: QueueQuery, response: z.object({ cases: z.array(caseSummarySchema) }), errors: [400, 401, 403], roles: READERS,
})
documentRoute({
  method: 'get', path: '/api/v1/cases/{id}',
  summary: 'One case with its event history, photos, camera snapshot, supervision orders, exceptions, unit assignments and timers, border flag, duplicate suggestions and what the caller may do next',
  tags: ['cases'], response: caseDetailSchema, errors: [400, 401, 403, 404], roles: READERS,
})
documentRoute({
  method: 'post', path: '/api/v1/units/{id}/status', summary: 'A unit reports en_route, on_scene, cleared, out_of_service or available; stamps its assignment timers',
  tags: ['cases'], body: UnitStatusBody, response: UnitStatusResponse, errors: [400, 401, 403, 404, 409], roles: rolesFor('handle'),
})
documentRoute({
  method: 'post', path: '/api/v1/camera-alerts/{id}/file', summary: 'File a camera alert as a case (a person decides; alerts never dispatch on their own)',
  tags: ['cases'], body: AlertFileBody, response: caseSummarySchema, errors: [400, 401, 403, 404, 409], roles: rolesFor('file'),
})
documentRoute({
  method: 'post', path: '/api/v1/camera-alerts/{id}/dismiss', summary: 'Dismiss a camera alert with a reason',
  tags: ['cases'], body: AlertDismissBody, response: AlertDecision, errors: [400, 401, 403, 404, 409], roles: rolesFor('file'),
})
const CategoriesQuery = z.strictObject({ inactive: z.enum(['true', 'false']).optional().describe('include retired categories') })
documentRoute({
  method: 'get', path: '/api/v1/categories', summary: 'The category catalogue (parts and events): codes, names, department, priority, step limits, disposal plan',
  tags: ['cases'], query: CategoriesQuery, response: z.object({ categories: z.array(categoryRecordSchema) }), errors: [400, 401, 403], roles: READERS,
})
documentRoute({
  method: 'get', path: '/api/v1/departments', summary: 'The departments a case can be dispatched to',
  tags: ['cases'], response: z.object({ departments: z.array(departmentSchema) }), errors: [401, 403], roles: READERS,
})
documentRoute({
  method: 'put', path: '/api/v1/categories/{code}', summary: 'Edit a category: department, priority, step limits, disposal plan, active (new limits apply to deadlines set from now on)',
  tags: ['cases'], body: categoryPatchSchema, response: categoryRecordSchema, errors: [400, 401, 403, 404], roles: ['admin'],
})

export interface CaseRouterOptions {
  store: CaseStore
  rules?: Partial<DetailRules>
}

/** The closed loop over HTTP. Parses its own JSON bodies, so it can be mounted anywhere. */
export function caseRouter({ store, rules = {} }: CaseRouterOptions): Router {
  const detailRules: DetailRules = { borderMetres: rules.borderMetres ?? DEFAULT_BORDER_FLAG_METRES, duplicates: rules.duplicates ?? DEFAULT_DUPLICATE_RULE }
  const r = Router()

  for (const s of STEP_ROUTES) {
    r.post(`/api/v1/cases/:id/${s.path}`, requireRole(...rolesFor(...s.actions)), json, async (req, res) => {
      const { id } = parse(CaseId, req.params, 'params')
      const b = parse(s.body, req.body, 'body')
      const { action, d } = s.details(b as never)
      res.json(await store.act(id, action, principalOf(req), d))
    })
  }

  r.get('/api/v1/cases', requireRole(...READERS), async (req, res) => {
    const q = parse(QueueQuery, req.query, 'query')
    const cases = await caseQueue(store.db, principalOf(req), {
      states: q.state ?? OPEN_CASE_STATES, category: q.category, area: q.street, limit: q.limit,
    }, store.now())
    res.json({ cases })
  })

  r.get('/api/v1/cases/:id', requireRole(...READERS), async (req, res) => {
    const { id } = parse(CaseId, req.params, 'params')
    res.json(await caseDetail(store.db, id, principalOf(req), store.now(), detailRules))
  })

  r.post('/api/v1/units/:id/status', requireRole(...rolesFor('handle')), json, async (req, res) => {
    const id = parse(z.object({ id: unitId }), req.params, 'params').id
    const { status } = parse(UnitStatusBody, req.body, 'body')
    const at = store.now()
    const change = await store.db.transaction((tx) => setUnitStatus(tx, id, status, principalOf(req), at))
    store.publish('cases', change.gridCode, { kind: 'unit_status', unitId: id, status, incidentId: change.incidentId, at: at.toISOString() })
    res.json({ unitId: id, from: change.from, to: change.to, incidentId: change.incidentId })
  })

  r.post('/api/v1/camera-alerts/:id/file', requireRole(...rolesFor('file')), json, async (req, res) => {
    const { id } = parse(AlertId, req.params, 'params')
    const b = parse(AlertFileBody, req.body, 'body')
    res.status(201).json(await fileAlert(store, id, principalOf(req), b))
  })

  r.post('/api/v1/camera-alerts/:id/dismiss', requireRole(...rolesFor('file')), json, async (req, res) => {
    const { id } = parse(AlertId, req.params, 'params')
    const { reason } = parse(AlertDismissBody, req.body, 'body')
    res.json(await dismissAlert(store, id, principalOf(req), reason))
  })

  r.get('/api/v1/categories', requireRole(...READERS), async (req, res) => {
    const q = parse(CategoriesQuery, req.query, 'query')
    res.json({ categories: await listCategories(store.db, q.inactive === 'true') })
  })

  r.get('/api/v1/departments', requireRole(...READERS), async (_req, res) => {
    res.json({ departments: await listDepartments(store.db) })
  })

  r.put('/api/v1/categories/:code', requireRole('admin'), json, async (req, res) => {
    const code = parse(z.object({ code: categoryCodeSchema }), req.params, 'params').code
    const patch = parse(categoryPatchSchema, req.body, 'body')
    res.json(await updateCategory(store.db, code, patch))
  })

  return r
}
