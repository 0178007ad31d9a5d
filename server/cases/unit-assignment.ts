import type { Queryable } from '../db/db.ts'
import type { Principal } from '../auth/principal.ts'
import { areaScope } from '../auth/area-scope.ts'
import { HttpError } from '../http/http-error.ts'
import { ASSIGNMENT_STAMP, canMoveUnit, type ReportableUnitStatus, type UnitStatus } from '../../geo/cases/unit-status.ts'

/**
 * Takes a unit for a job: available -> dispatched in one guarded UPDATE. Of two dispatchers taking the same unit
 * at once, the second's UPDATE waits for the first's row lock, then finds the unit no longer available and
 * matches nothing: that one gets 409 and its whole transaction rolls back.
 */
export async function flipUnitToDispatched(q: Queryable, unitId: string): Promise<void> {
  const r = await q.query(`UPDATE unit SET status = 'dispatched' WHERE id = $1 AND status = 'available'`, [unitId])
  if (r.affectedRows === 1) return
  const now = await q.query<{ status: string; callsign: string }>('SELECT status, callsign FROM unit WHERE id = $1', [unitId])
  const unit = now.rows[0]
  if (!unit) throw new HttpError(404, 'unknown_unit', `no unit ${unitId}`, [{ path: 'body.unitId', message: 'not a known unit' }])
  throw new HttpError(409, 'unit_unavailable', `unit ${unit.callsign} (${unitId}) is ${unit.status}, not available: another dispatcher may just have taken it`)
}

/** Ends a case's active assignments (the case left its units) and frees units still tied to it. */
export async function releaseAssignments(q: Queryable, incidentId: number, at: Date): Promise<void> {
  const released = await q.query<{ unit_id: string }>(
    `UPDATE case_assignment SET released_at = $2
     WHERE incident_id = $1 AND cleared_at IS NULL AND released_at IS NULL
     RETURNING unit_id`,
    [incidentId, at],
  )
  if (!released.rows.length) return
  await q.query(
    `UPDATE unit SET status = 'available' WHERE id = ANY($1::text[]) AND status IN ('dispatched', 'en_route', 'on_scene')`,
    [released.rows.map((r) => r.unit_id)],
  )
}

export interface UnitStatusChange {
  unitId: string
  from: UnitStatus
  to: UnitStatus
  /** The case the unit was working on, if it had an active assignment. */
  incidentId: number | null
  gridCode: string | null
}

/**
 * A unit reports its status: the move is checked against the unit status model, guarded on the status it was
 * read in, and stamped on the unit's active assignment (which starts the turnout, travel and on-scene timers).
 */
export async function setUnitStatus(q: Queryable, unitId: string, to: ReportableUnitStatus, principal: Principal, at: Date): Promise<UnitStatusChange> {
  const params: unknown[] = [unitId]
  const r = await q.query<{ status: UnitStatus; grid_code: string | null }>(
    `SELECT status, grid_code FROM unit WHERE id = $1 AND ${areaScope(principal, 'grid_code', params)}`,
    params,
  )
  const unit = r.rows[0]
  if (!unit) throw new HttpError(404, 'not_found', `no unit ${unitId}`)
  if (!canMoveUnit(unit.status, to)) throw new HttpError(409, 'wrong_state', `a unit that is ${unit.status} cannot become ${to}`)
  const updated = await q.query('UPDATE unit SET status = $3 WHERE id = $1 AND status = $2', [unitId, unit.status, to])
  if (updated.affectedRows !== 1) throw new HttpError(409, 'conflict', `unit ${unitId} changed meanwhile: reload and try again`)
  const stamp = ASSIGNMENT_STAMP[to]
  let incidentId: number | null = null
  if (stamp) {
    const column = { enRouteAt: 'en_route_at', onSceneAt: 'on_scene_at', clearedAt: 'cleared_at', releasedAt: 'released_at' }[stamp]
    const a = await q.query<{ incident_id: number }>(
      `UPDATE case_assignment SET ${column} = $2
       WHERE unit_id = $1 AND cleared_at IS NULL AND released_at IS NULL
       RETURNING incident_id::int`,
      [unitId, at],
    )
    incidentId = a.rows[0]?.incident_id ?? null
  }
  return { unitId, from: unit.status, to, incidentId, gridCode: unit.grid_code }
}
