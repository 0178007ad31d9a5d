import type { Queryable } from '../db/db.ts'
import { areaScope } from '../auth/area-scope.ts'
import type { Principal } from '../auth/principal.ts'
import type { ShortlistedUnit } from '../../geo/dispatch/rank-candidates.ts'

/**
 * Stage one of a recommendation: the available units nearest to a point in a straight line, from the GiST index
 * on the latest positions (`<->` walks the index in distance order and stops at the limit), within the asker's
 * jurisdiction.
 */

export interface ShortlistQuery {
  lon: number
  lat: number
  radiusM: number
  staleAfterS: number
  principal: Principal
}

const COLUMNS = `p.unit_id AS "unitId", u.callsign, p.grid_code AS "gridCode", ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat,
  greatest(0, extract(epoch FROM now() - p.device_time))::float8 AS "fixAgeS",
  ST_Distance(p.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS "straightMeters"`

/**
 * Available units with a fresh fix within the radius, nearest first. The index orders by distance in degrees,
 * which stretches north-south against east-west; the limit is a shortlist for road times, and the returned
 * rows are re-sorted by metres. The exact radius is applied outside the index scan: as a condition beside it,
 * the planner cannot estimate it and gives up the index walk for a plan some 200 times slower.
 */
export async function shortlistUnits(q: Queryable, s: ShortlistQuery, limit: number): Promise<ShortlistedUnit[]> {
  const { sql, params } = shortlistSql(s, limit)
  // Run on every recommendation: planning it each time cost about a third of the statement.
  const r = await q.query<ShortlistedUnit>(sql, params, { prepared: s.principal.areas === 'all' ? 'shortlist-all' : 'shortlist-scoped' })
  return r.rows.sort((a, b) => a.straightMeters - b.straightMeters)
}

/** The shortlist's statement, apart so its plan can be examined (the benchmark reports planning and execution). */
export function shortlistSql(s: ShortlistQuery, limit: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [s.lon, s.lat, s.staleAfterS, s.radiusM, limit]
  const scope = areaScope(s.principal, 'p.grid_code', params)
  const sql = `SELECT * FROM (
       SELECT ${COLUMNS}
       FROM unit_position_latest p JOIN unit u ON u.id = p.unit_id
       WHERE u.status = 'available'
         AND p.device_time >= now() - make_interval(secs => $3)
         AND ${scope}
       ORDER BY p.geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326)
       LIMIT $5) nearest
     WHERE "straightMeters" <= $4`
  return { sql, params }
}

/**
 * The nearest available units whatever their fix age or distance, leaving out those already listed: what fills
 * a recommendation when too few fresh units are within the radius (each is then flagged with why).
 */
export async function fallbackUnits(q: Queryable, s: ShortlistQuery, exclude: readonly string[], limit: number): Promise<ShortlistedUnit[]> {
  const params: unknown[] = [s.lon, s.lat, exclude, limit]
  const scope = areaScope(s.principal, 'p.grid_code', params)
  const r = await q.query<ShortlistedUnit>(
    `SELECT ${COLUMNS}
     FROM unit_position_latest p JOIN unit u ON u.id = p.unit_id
     WHERE u.status = 'available' AND p.unit_id <> ALL($3::text[]) AND ${scope}
     ORDER BY p.geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326)
     LIMIT $4`,
    params,
  )
  return r.rows.sort((a, b) => a.straightMeters - b.straightMeters)
}
