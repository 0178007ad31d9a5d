import type { Queryable } from '../db/db.ts'
import { PENDING_STEP, type CaseState } from '../../geo/cases/case-states.ts'
import type { CaseSummary } from '../../geo/cases/case-record.ts'

export const isoOf = (expr: string) => `to_char((${expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
const iso = (column: string, as: string) => `${isoOf(column)} AS "${as}"`

/**
 * A case summary's columns over `incident i LEFT JOIN category c` with the open supervision order `so` joined
 * laterally; `$now` is the parameter number of the clock, for `overdue`.
 */
export const summaryColumns = (now: number) => `i.id, i.state, i.source, i.category_code AS "categoryCode",
  c.name AS "categoryName", c.name_en AS "categoryNameEn", i.priority, i.description, i.address,
  ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat, i.grid_code AS "gridCode", i.department_code AS "departmentCode",
  i.assigned_unit_id AS "assignedUnitId", ${iso('i.expected_arrival_at', 'expectedArrivalAt')}, i.camera_alert_id::int AS "cameraAlertId",
  ${iso('i.reported_at', 'reportedAt')}, ${iso('i.filed_at', 'filedAt')}, ${iso('i.dispatched_at', 'dispatchedAt')},
  ${iso('i.handled_at', 'handledAt')}, ${iso('i.reported_back_at', 'reportedBackAt')}, ${iso('i.verified_at', 'verifiedAt')},
  ${iso('i.closed_at', 'closedAt')}, ${iso('i.deadline_at', 'deadlineAt')}, ${iso('i.deferred_until', 'deferredUntil')},
  COALESCE(i.deadline_at < $${now}::timestamptz, false) AS overdue, i.reopen_count AS "reopenCount",
  so.level AS "supervisionLevel", ${iso('so.due_at', 'supervisionDueAt')}`

export const SUMMARY_FROM = `incident i
  LEFT JOIN category c ON c.code = i.category_code
  LEFT JOIN LATERAL (
    SELECT level, due_at FROM supervision_order o
    WHERE o.incident_id = i.id AND o.settled_at IS NULL AND o.escalated_at IS NULL
  ) so ON true`

type SummaryRow = Omit<CaseSummary, 'pendingStep'>

export const toSummary = (r: SummaryRow): CaseSummary => ({
  ...r,
  id: Number(r.id),
  lon: Number(r.lon),
  lat: Number(r.lat),
  pendingStep: PENDING_STEP[r.state as CaseState] ?? null,
})

/** One case as a summary, without scoping: for publishing after a change that was already scoped. */
export async function summaryById(q: Queryable, id: number, now: Date): Promise<CaseSummary | null> {
  const r = await q.query<SummaryRow>(`SELECT ${summaryColumns(2)} FROM ${SUMMARY_FROM} WHERE i.id = $1`, [id, now])
  return r.rows[0] ? toSummary(r.rows[0]) : null
}
