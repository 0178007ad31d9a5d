import type { MultiPolygon } from 'geojson'
import type { Queryable } from '../db/db.ts'
import type { Principal } from '../auth/principal.ts'
import { areaScope } from '../auth/area-scope.ts'
import { HttpError } from '../http/http-error.ts'
import { OPEN_CASE_STATES, type CaseState } from '../../geo/cases/case-states.ts'
import type { CaseDetail, CaseSummary } from '../../geo/cases/case-record.ts'
import { CASE_ACTIONS, ruleFor } from '../../geo/cases/case-transitions.ts'
import { borderFlag } from '../../geo/cases/border-flag.ts'
import { duplicateWindow, type DuplicateRule } from '../../geo/cases/duplicate-rule.ts'
import { responseTimers, type UnitStatus } from '../../geo/cases/unit-status.ts'
import { isoOf, SUMMARY_FROM, summaryColumns, toSummary } from './case-rows.ts'

export interface QueueFilter {
  states: readonly CaseState[]
  category?: string
  /** An area code (typically a street's): cases in grids under it. */
  area?: string
  limit: number
}

/** The dispatcher's queue: most urgent priority first, then the nearest deadline; scoped to the jurisdiction. */
export async function caseQueue(q: Queryable, principal: Principal, f: QueueFilter, now: Date): Promise<CaseSummary[]> {
  const params: unknown[] = [now, f.states, f.category ?? null, f.area ?? null, f.limit]
  const r = await q.query<Parameters<typeof toSummary>[0]>(
    `SELECT ${summaryColumns(1)} FROM ${SUMMARY_FROM}
     WHERE i.state = ANY($2::text[])
       AND ($3::text IS NULL OR i.category_code = $3)
       AND ($4::text IS NULL OR i.grid_code LIKE $4 || '%')
       AND ${areaScope(principal, 'i.grid_code', params)}
     ORDER BY i.priority, i.deadline_at NULLS LAST, i.id
     LIMIT $5`,
    params,
  )
  return r.rows.map(toSummary)
}

export interface DetailRules {
  borderMetres: number
  duplicates: DuplicateRule
}

/** Everything the case view shows, in one scoped read. */
export async function caseDetail(q: Queryable, id: number, principal: Principal, now: Date, rules: DetailRules): Promise<CaseDetail> {
  const params: unknown[] = [id, now]
  const s = await q.query<Parameters<typeof toSummary>[0] & { media: string[]; snapshot: string | null; grid: string | null }>(
    `SELECT ${summaryColumns(2)}, i.media_urls AS media, a.snapshot_url AS snapshot, ST_AsGeoJSON(g.geom) AS grid
     FROM ${SUMMARY_FROM}
       LEFT JOIN camera_alert a ON a.id = i.camera_alert_id
       LEFT JOIN admin_area g ON g.code = i.grid_code AND g.level = 'grid'
     WHERE i.id = $1 AND ${areaScope(principal, 'i.grid_code', params)}`,
    params,
  )
  const row = s.rows[0]
  if (!row) throw new HttpError(404, 'not_found', `no case ${id}`)
  const { media, snapshot, grid, ...summaryRow } = row
  const summary = toSummary(summaryRow)

  const events = await q.query<CaseDetail['events'][number]>(
    `SELECT id::int, ${isoOf('at')} AS at, step, from_state AS "fromState", to_state AS "toState", actor, note, attributes
     FROM case_event WHERE incident_id = $1 ORDER BY at, id`,
    [id],
  )
  const orders = await q.query<CaseDetail['supervisionOrders'][number]>(
    `SELECT id::int, level, step, state, ${isoOf('issued_at')} AS "issuedAt", ${isoOf('due_at')} AS "dueAt",
            ${isoOf('settled_at')} AS "settledAt", ${isoOf('escalated_at')} AS "escalatedAt"
     FROM supervision_order WHERE incident_id = $1 ORDER BY issued_at, id`,
    [id],
  )
  const exceptions = await q.query<CaseDetail['exceptions'][number]>(
    `SELECT id::int, kind, reason, requested_by AS "requestedBy", approved_by AS "approvedBy", ${isoOf('at')} AS at,
            from_state AS "fromState", to_state AS "toState", ${isoOf('deadline_before')} AS "deadlineBefore",
            ${isoOf('deadline_after')} AS "deadlineAfter", extend_minutes AS "extendMinutes", ${isoOf('deferred_until')} AS "deferredUntil"
     FROM case_exception WHERE incident_id = $1 ORDER BY at, id`,
    [id],
  )
  const assignments = await q.query<{
    id: number; unitId: string; callsign: string; unitStatus: UnitStatus; assignedBy: string; etaSeconds: number | null; routeMeters: number | null
    assigned_at: Date; en_route_at: Date | null; on_scene_at: Date | null; cleared_at: Date | null; released_at: Date | null
  }>(
    `SELECT a.id::int, a.unit_id AS "unitId", u.callsign, u.status AS "unitStatus", a.assigned_by AS "assignedBy",
            a.eta_seconds AS "etaSeconds", a.route_meters AS "routeMeters",
            a.assigned_at, a.en_route_at, a.on_scene_at, a.cleared_at, a.released_at
     FROM case_assignment a JOIN unit u ON u.id = a.unit_id WHERE a.incident_id = $1 ORDER BY a.assigned_at, a.id`,
    [id],
  )
  const reportedAt = new Date(summary.reportedAt)
  const window = duplicateWindow(reportedAt, rules.duplicates)
  const dupParams: unknown[] = [id, summary.categoryCode, window.from, window.to, rules.duplicates.radiusM]
  const duplicates = await q.query<{ id: number; state: string; distanceM: number; reportedAt: string; description: string }>(
    `SELECT d.id::int, d.state, round(ST_Distance(d.geom::geography, i.geom::geography)::numeric, 1)::float8 AS "distanceM",
            ${isoOf('d.reported_at')} AS "reportedAt", d.description
     FROM incident i JOIN incident d ON d.category_code = i.category_code AND d.id <> i.id
     WHERE i.id = $1 AND $2::text IS NOT NULL AND d.closed_at IS NULL
       AND d.reported_at BETWEEN $3 AND $4
       AND ST_DWithin(d.geom::geography, i.geom::geography, $5)
       AND ${areaScope(principal, 'd.grid_code', dupParams)}
     ORDER BY "distanceM", d.id
     LIMIT 20`,
    dupParams,
  )

  const iso = (d: Date | null) => (d ? d.toISOString() : null)
  const reportBackPhotos = events.rows.flatMap((e) => (Array.isArray(e.attributes.photoUrls) ? (e.attributes.photoUrls as string[]) : []))
  return {
    case: summary,
    events: events.rows,
    photos: [...media, ...reportBackPhotos],
    cameraSnapshotUrl: snapshot,
    supervisionOrders: orders.rows,
    exceptions: exceptions.rows,
    assignments: assignments.rows.map(({ assigned_at, en_route_at, on_scene_at, cleared_at, released_at, ...a }) => ({
      ...a,
      assignedAt: assigned_at.toISOString(),
      enRouteAt: iso(en_route_at),
      onSceneAt: iso(on_scene_at),
      clearedAt: iso(cleared_at),
      releasedAt: iso(released_at),
      timers: responseTimers({ reportedAt, assignedAt: assigned_at, enRouteAt: en_route_at, onSceneAt: on_scene_at }),
    })),
    borderFlag: borderFlag(summary.lon, summary.lat, grid ? (JSON.parse(grid) as MultiPolygon) : null, rules.borderMetres),
    duplicates: duplicates.rows,
    allowedActions: CASE_ACTIONS.filter((a) => (ruleFor(a, summary.state)?.roles as readonly string[] | undefined)?.includes(principal.role)),
  }
}

/** At most this many cases in a live snapshot: the queue's head, not an archive. */
export const SNAPSHOT_MAX_CASES = 1000

/** The live hub's snapshot provider for the `cases` layer: the open queue under the subscriber's area. */
export function caseSnapshot(q: Queryable, now: () => Date): (areaCode: string) => Promise<CaseSummary[]> {
  return (areaCode) =>
    caseQueue(q, { userId: null, username: 'live', role: 'wall', areas: [areaCode], layers: new Set() }, {
      states: OPEN_CASE_STATES, limit: SNAPSHOT_MAX_CASES,
    }, now())
}
