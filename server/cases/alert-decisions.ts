import type { Principal } from '../auth/principal.ts'
import { areaScope } from '../auth/area-scope.ts'
import { HttpError } from '../http/http-error.ts'
import type { Queryable } from '../db/db.ts'
import { ALERT_COLUMNS, type AlertRow } from '../alerts/alert-queries.ts'
import type { StepLimits } from '../../geo/catalogue/category.ts'
import { addMinutes } from '../../geo/cases/case-deadline.ts'
import type { CaseSummary } from '../../geo/cases/case-record.ts'
import { decideMove } from '../../geo/cases/case-transitions.ts'
import { actorOf, refusalError, type CaseStore } from './case-store.ts'

const UNDECIDED = ['new', 'acknowledged']

/**
 * Marks an undecided alert decided, guarded on its state: of two operators deciding the same alert, one wins.
 * Returns the alert as it now stands, for the `alerts` layer.
 */
async function decideAlert(
  tx: Queryable, alertId: number, principal: Principal, to: 'filed' | 'dismissed', reason: string | null, at: Date,
): Promise<AlertRow & { started: Date }> {
  const params: unknown[] = [alertId]
  const r = await tx.query<{ state: string }>(
    `SELECT state FROM camera_alert a WHERE a.id = $1 AND ${areaScope(principal, 'a.grid_code', params)}`,
    params,
  )
  const alert = r.rows[0]
  if (!alert) throw new HttpError(404, 'not_found', `no camera alert ${alertId}`)
  if (!UNDECIDED.includes(alert.state)) throw new HttpError(409, 'wrong_state', `camera alert ${alertId} is already ${alert.state}`)
  const u = await tx.query<AlertRow & { started: Date }>(
    `UPDATE camera_alert a SET state = $3, decided_by = $4, decided_at = $5, dismiss_reason = $6
     WHERE a.id = $1 AND a.state = $2
     RETURNING ${ALERT_COLUMNS}, a.started_at AS started`,
    [alertId, alert.state, to, principal.username, at, reason],
  )
  if (!u.rows[0]) throw new HttpError(409, 'conflict', `camera alert ${alertId} was decided meanwhile`)
  return u.rows[0]
}

export interface AlertFiling {
  categoryCode: string
  description?: string
  note?: string
}

/**
 * A person files a camera alert: one transaction makes the case (collected from the camera, at the camera's
 * place and the alert's start), files it for the shift leader's approval, and marks the alert filed. Cameras
 * never get this far on their own.
 */
export async function fileAlert(store: CaseStore, alertId: number, principal: Principal, f: AlertFiling): Promise<CaseSummary> {
  const at = store.now()
  let alert: AlertRow | undefined
  const id = await store.db.transaction(async (tx) => {
    alert = await decideAlert(tx, alertId, principal, 'filed', null, at)
    const cat = await tx.query<{ priority: number; limits: StepLimits; department: string | null }>(
      'SELECT priority, limits_minutes AS limits, department_code AS department FROM category WHERE code = $1 AND active',
      [f.categoryCode],
    )
    const category = cat.rows[0]
    if (!category) throw new HttpError(400, 'unknown_category', `unknown or inactive category ${f.categoryCode}`, [{ path: 'body.categoryCode', message: 'not in the catalogue' }])
    const started = (alert as AlertRow & { started: Date }).started
    const fileBy = addMinutes(started, category.limits.file)
    const inserted = await tx.query<{ id: number }>(
      `INSERT INTO incident (source, source_id, category_code, priority, state, description, geom, grid_code, reported_at,
                             deadline_at, department_code, camera_alert_id)
       SELECT 'camera', 'alert:' || a.id, $2, $3, 'reported', $4, COALESCE(a.geom, c.geom), a.grid_code, a.started_at, $5, $6, a.id
       FROM camera_alert a JOIN camera c ON c.id = a.camera_id WHERE a.id = $1
       RETURNING id::int`,
      [alertId, f.categoryCode, category.priority, f.description ?? `${alert.type} (camera ${alert.cameraId})`, fileBy, category.department],
    )
    const id = inserted.rows[0].id
    await tx.query(
      `INSERT INTO case_event (incident_id, at, step, from_state, to_state, actor, attributes)
       VALUES ($1, $2, 'collect', NULL, 'reported', $3, $4::jsonb)`,
      [id, at, principal.username, JSON.stringify({ channel: 'camera_alert', alertId, cameraId: alert.cameraId })],
    )
    const decided = decideMove('file', { state: 'reported', deadlineAt: fileBy, reportedBackBy: null }, actorOf(principal), at, category.limits)
    if (!decided.ok) throw refusalError(decided.refusal)
    await store.writeMove(
      tx,
      { id, state: 'reported', grid_code: alert.gridCode, deadline_at: fileBy, reported_back_by: null, category_code: f.categoryCode, limits: category.limits },
      decided.move, principal, { note: f.note }, at,
    )
    return id
  })
  store.publish('alerts', alert!.gridCode, { op: 'updated', alert: withoutStart(alert!) })
  return store.announce(id, 'file', principal.username, at)
}

/** A person dismisses a camera alert, with the reason kept on the alert. */
export async function dismissAlert(store: CaseStore, alertId: number, principal: Principal, reason: string): Promise<AlertRow> {
  const alert = await store.db.transaction((tx) => decideAlert(tx, alertId, principal, 'dismissed', reason, store.now()))
  const row = withoutStart(alert)
  store.publish('alerts', row.gridCode, { op: 'updated', alert: row })
  return row
}

const withoutStart = ({ started: _, ...row }: AlertRow & { started?: Date }): AlertRow => row
