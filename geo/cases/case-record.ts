import { z } from 'zod'
import { CASE_ACTIONS } from './case-transitions.ts'
import { CASE_STATES } from './case-states.ts'
import { UNIT_STATUSES } from './unit-status.ts'

const iso = z.string()
const isoOrNull = z.string().nullable()

/** A case as the queue, the live `cases` layer and the detail view show it (never the reporter's contact). */
export const caseSummarySchema = z.object({
  id: z.number().int(),
  state: z.enum(CASE_STATES),
  /** The step whose deadline is running, or null. */
  pendingStep: z.string().nullable(),
  source: z.string(),
  categoryCode: z.string().nullable(),
  categoryName: z.string().nullable(),
  categoryNameEn: z.string().nullable(),
  priority: z.number().int(),
  description: z.string(),
  address: z.string().nullable(),
  lon: z.number(),
  lat: z.number(),
  gridCode: z.string().nullable(),
  departmentCode: z.string().nullable(),
  assignedUnitId: z.string().nullable(),
  /** When the assigned unit should arrive: the assignment time plus the road travel time the router gave. */
  expectedArrivalAt: isoOrNull,
  cameraAlertId: z.number().int().nullable(),
  reportedAt: iso,
  filedAt: isoOrNull,
  dispatchedAt: isoOrNull,
  handledAt: isoOrNull,
  reportedBackAt: isoOrNull,
  verifiedAt: isoOrNull,
  closedAt: isoOrNull,
  deadlineAt: isoOrNull,
  deferredUntil: isoOrNull,
  overdue: z.boolean(),
  reopenCount: z.number().int(),
  /** The open supervision order's level (1-3) and when it falls due, if one is open. */
  supervisionLevel: z.number().int().nullable(),
  supervisionDueAt: isoOrNull,
})
export type CaseSummary = z.infer<typeof caseSummarySchema>

export const caseEventSchema = z.object({
  id: z.number().int(),
  at: iso,
  step: z.string(),
  fromState: z.string().nullable(),
  toState: z.string(),
  actor: z.string().nullable(),
  note: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
})

export const supervisionOrderSchema = z.object({
  id: z.number().int(),
  level: z.number().int(),
  step: z.string(),
  state: z.string(),
  issuedAt: iso,
  dueAt: iso,
  settledAt: isoOrNull,
  escalatedAt: isoOrNull,
})

export const caseExceptionSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['return', 'void', 'extend', 'defer']),
  reason: z.string(),
  requestedBy: z.string().nullable(),
  approvedBy: z.string(),
  at: iso,
  fromState: z.string(),
  toState: z.string(),
  deadlineBefore: isoOrNull,
  deadlineAfter: isoOrNull,
  extendMinutes: z.number().int().nullable(),
  deferredUntil: isoOrNull,
})

export const assignmentSchema = z.object({
  id: z.number().int(),
  unitId: z.string(),
  callsign: z.string(),
  unitStatus: z.enum(UNIT_STATUSES),
  assignedAt: iso,
  assignedBy: z.string(),
  /** The road travel time and distance the router gave when the unit was assigned (null: no fix or no road). */
  etaSeconds: z.number().nullable(),
  routeMeters: z.number().nullable(),
  enRouteAt: isoOrNull,
  onSceneAt: isoOrNull,
  clearedAt: isoOrNull,
  releasedAt: isoOrNull,
  timers: z.object({
    processingS: z.number().int(),
    turnoutS: z.number().int().nullable(),
    travelS: z.number().int().nullable(),
    totalS: z.number().int().nullable(),
  }),
})

export const caseDetailSchema = z.object({
  case: caseSummarySchema,
  events: z.array(caseEventSchema),
  /** The reporter's photos, then those of every report-back, oldest first. */
  photos: z.array(z.string()),
  cameraSnapshotUrl: z.string().nullable(),
  supervisionOrders: z.array(supervisionOrderSchema),
  exceptions: z.array(caseExceptionSchema),
  assignments: z.array(assignmentSchema),
  borderFlag: z.object({ flagged: z.boolean(), distanceM: z.number().nullable(), reason: z.enum(['near_border', 'outside_grids']).nullable() }),
  duplicates: z.array(z.object({ id: z.number().int(), state: z.string(), distanceM: z.number(), reportedAt: iso, description: z.string() })),
  /** What the asking user may do to the case now (role and state; separation of duties not pre-checked). */
  allowedActions: z.array(z.enum(CASE_ACTIONS)),
})
export type CaseDetail = z.infer<typeof caseDetailSchema>

/** What the live `cases` layer carries: a case changed (with the step that changed it), or a unit's status. */
export type CaseLiveEvent =
  | { kind: 'case'; action: string; case: CaseSummary; actor: string | null; at: string }
  | { kind: 'unit_status'; unitId: string; status: string; incidentId: number | null; at: string }
