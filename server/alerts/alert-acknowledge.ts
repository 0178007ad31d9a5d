import { Router } from 'express'
import { z } from 'zod'
import { principalOf, requireRole, type Principal, type Role } from '../auth/principal.ts'
import { areaScope } from '../auth/area-scope.ts'
import type { Db } from '../db/db.ts'
import { documentRoute } from '../http/api-docs.ts'
import { badRequestFromZod, HttpError } from '../http/http-error.ts'
import { ALERT_COLUMNS, type AlertRow } from './alert-queries.ts'
import type { AlertPublisher } from './alert-store.ts'

/** Who may take an alert off the wall: the people at the consoles. */
export const ACKNOWLEDGE_ROLES: readonly Role[] = ['admin', 'supervisor', 'dispatcher']

const Params = z.object({ id: z.string().regex(/^\d{1,15}$/, 'expected an alert id').transform(Number) })
const Answer = z.object({ id: z.number(), state: z.literal('acknowledged'), acknowledgedAt: z.string(), acknowledgedBy: z.string() })

documentRoute({
  method: 'post', path: '/api/v1/camera-alerts/{id}/acknowledge', tags: ['cameras'], roles: ACKNOWLEDGE_ROLES,
  response: Answer, errors: [400, 401, 403, 404, 409],
  summary: 'A console has seen the alert: state acknowledged, published on the alerts layer, and the wall returns to its ' +
    'rotation. Acknowledging again answers the first acknowledgement; a filed or dismissed alert answers 409.',
})

export type AcknowledgeResult =
  | { outcome: 'acknowledged' | 'already'; alert: AlertRow; at: string; by: string }
  | { outcome: 'not_found' }
  | { outcome: 'closed'; state: string }

const iso = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

/** Marks a new alert acknowledged by the principal, in one transaction; only alerts in their jurisdiction. */
export async function acknowledgeAlert(db: Db, principal: Principal, id: number): Promise<AcknowledgeResult> {
  return db.transaction(async (tx) => {
    const params: unknown[] = [id]
    const scope = areaScope(principal, 'a.grid_code', params)
    const found = await tx.query<{ state: string }>(`SELECT a.state FROM camera_alert a WHERE a.id = $1 AND ${scope} FOR UPDATE`, params)
    const state = found.rows[0]?.state
    if (state === undefined) return { outcome: 'not_found' }
    if (state === 'filed' || state === 'dismissed') return { outcome: 'closed', state }
    if (state === 'acknowledged') {
      const r = await tx.query<AlertRow & { at: string; by: string }>(
        `SELECT ${ALERT_COLUMNS}, ${iso('a.acknowledged_at')} AS at, a.acknowledged_by AS by FROM camera_alert a WHERE a.id = $1`,
        [id],
      )
      const { at, by, ...alert } = r.rows[0]
      return { outcome: 'already', alert, at, by }
    }
    const r = await tx.query<AlertRow & { at: string; by: string }>(
      `UPDATE camera_alert a SET state = 'acknowledged', acknowledged_at = now(), acknowledged_by = $2
       WHERE a.id = $1
       RETURNING ${ALERT_COLUMNS}, ${iso('a.acknowledged_at')} AS at, a.acknowledged_by AS by`,
      [id, principal.username],
    )
    const { at, by, ...alert } = r.rows[0]
    return { outcome: 'acknowledged', alert, at, by }
  })
}

export function alertAcknowledgeRouter({ db, publish }: { db: Db; publish: AlertPublisher }): Router {
  const r = Router()
  r.post('/api/v1/camera-alerts/:id/acknowledge', requireRole(...ACKNOWLEDGE_ROLES), async (req, res) => {
    const p = Params.safeParse(req.params)
    if (!p.success) throw badRequestFromZod(p.error, 'params')
    const result = await acknowledgeAlert(db, principalOf(req), p.data.id)
    if (result.outcome === 'not_found') throw new HttpError(404, 'not_found', `no camera alert ${p.data.id} in your jurisdiction`)
    if (result.outcome === 'closed') throw new HttpError(409, 'alert_closed', `the alert is already ${result.state}`)
    // After commit, and only on the change: the wall ends its takeover of this alert.
    if (result.outcome === 'acknowledged') publish(result.alert.gridCode, { op: 'updated', alert: result.alert })
    res.json({ id: result.alert.id, state: 'acknowledged', acknowledgedAt: result.at, acknowledgedBy: result.by })
  })
  return r
}
