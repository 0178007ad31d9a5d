import type { Queryable } from '../db/db.ts'
import type { Leg, RoadRouter } from '../../geo/routing/road-router.ts'

/**
 * The road travel from a unit's latest fix to a case, as the dispatch recommendation computes it: what an
 * assignment promises. Null when the unit has no fix, there is no road graph, or the roads give no way.
 */
export async function assignmentLeg(q: Queryable, router: RoadRouter | null, caseId: number, unitId: string): Promise<Leg | null> {
  if (!router) return null
  const r = await q.query<{ ulon: number; ulat: number; lon: number; lat: number }>(
    `SELECT ST_X(p.geom) AS ulon, ST_Y(p.geom) AS ulat, ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat
     FROM incident i JOIN unit_position_latest p ON p.unit_id = $2 WHERE i.id = $1`,
    [caseId, unitId],
  )
  const at = r.rows[0]
  if (!at) return null
  const from = router.snap(at.ulon, at.ulat)
  const to = router.snap(at.lon, at.lat)
  return from && to ? router.route(from, to) : null
}
