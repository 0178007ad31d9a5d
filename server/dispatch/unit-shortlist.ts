import type { Queryable } from '../db/db.ts'
import { areaScope } from '../auth/area-scope.ts'
import type { Principal } from '../auth/principal.ts'
import type { ShortlistedUnit } from '../../geo/dispatch/rank-candidates.ts'
import { nearestFromCells } from '../../geo/dispatch/nearest-from-cells.ts'

/**
 * Stage one of a recommendation: the available units nearest to a point in a straight line, within the asker's
 * jurisdiction. The latest positions are indexed by their point snapped to a cell (migration 0013, so that most
 * position updates touch no index): `<->` walks that GiST index in cell distance order, and the rows it reaches
 * are re-ranked by their exact points (nearestFromCells), walking further in the rare case where an unread row
 * could still be nearer.
 */

export interface ShortlistQuery {
  lon: number
  lat: number
  radiusM: number
  staleAfterS: number
  principal: Principal
}

/** The cell size of `unit_position_latest.geom_cell` (migration 0013), in degrees. */
export const LATEST_CELL_DEG = 0.0005
/** How far a point can be from its snapped point: half a cell on each axis. */
const CELL_SLACK_DEG = (LATEST_CELL_DEG / 2) * Math.SQRT2

const POINT = 'ST_SetSRID(ST_MakePoint($1, $2), 4326)'

/**
 * One walk: `$4` rows in cell order, each with its distances in degrees. Metres on the spheroid cost more than
 * the rest of the row, so they are measured only for the rows that can be kept: those ranked within `$5` by
 * exact distance (rank, not row number, so that every row tied at the limit has them too).
 */
const walkSql = (where: string) => `SELECT "unitId", callsign, "gridCode", ST_X(geom) AS lon, ST_Y(geom) AS lat, "fixAgeS", "cellDeg", deg,
    CASE WHEN rank() OVER (ORDER BY deg) <= $5 THEN ST_Distance(geom::geography, ${POINT}::geography) END AS "straightMeters"
  FROM (
    SELECT p.unit_id AS "unitId", u.callsign, p.grid_code AS "gridCode", p.geom,
      greatest(0, extract(epoch FROM now() - p.device_time))::float8 AS "fixAgeS",
      p.geom_cell <-> ${POINT} AS "cellDeg", p.geom <-> ${POINT} AS deg
    FROM unit_position_latest p JOIN unit u ON u.id = p.unit_id
    WHERE ${where}
    ORDER BY p.geom_cell <-> ${POINT}
    LIMIT $4) walked`

type Row = Omit<ShortlistedUnit, 'straightMeters'> & { straightMeters: number | null; cellDeg: number; deg: number }

/** Rows read the first time for `limit` units: enough that a second, longer walk is rarely needed. */
export const firstFetch = (limit: number) => Math.ceil(limit * 1.5) + 5

/**
 * Available units with a fresh fix within the radius, nearest first. "Nearest" is by distance in degrees, which
 * stretches north-south against east-west; the limit is a shortlist for road times, and the returned rows are
 * sorted by metres. The radius is applied to the shortlist, not inside the index walk: as a condition beside it,
 * the planner cannot estimate it and gives up the walk for a plan some 200 times slower.
 */
export async function shortlistUnits(q: Queryable, s: ShortlistQuery, limit: number): Promise<ShortlistedUnit[]> {
  // Run on every recommendation: planning it each time cost about a third of the statement.
  const prepared = s.principal.areas === 'all' ? 'shortlist-all' : 'shortlist-scoped'
  const units = await walkNearest(limit, (fetch) => {
    const { sql, params } = shortlistSql(s, limit, fetch)
    return q.query<Row>(sql, params, { prepared })
  })
  return units.filter((u) => u.straightMeters <= s.radiusM)
}

/** The shortlist's statement for one walk of `fetch` rows, apart so its plan can be examined (the benchmark does). */
export function shortlistSql(s: ShortlistQuery, limit: number, fetch: number): { sql: string; params: unknown[] } {
  const params: unknown[] = [s.lon, s.lat, s.staleAfterS, fetch, limit]
  const scope = areaScope(s.principal, 'p.grid_code', params)
  return { sql: walkSql(`u.status = 'available' AND p.device_time >= now() - make_interval(secs => $3) AND ${scope}`), params }
}

/**
 * The nearest available units whatever their fix age or distance, leaving out those already listed: what fills
 * a recommendation when too few fresh units are within the radius (each is then flagged with why).
 */
export async function fallbackUnits(q: Queryable, s: ShortlistQuery, exclude: readonly string[], limit: number): Promise<ShortlistedUnit[]> {
  return walkNearest(limit, (fetch) => {
    const params: unknown[] = [s.lon, s.lat, exclude, fetch, limit]
    const scope = areaScope(s.principal, 'p.grid_code', params)
    return q.query<Row>(walkSql(`u.status = 'available' AND p.unit_id <> ALL($3::text[]) AND ${scope}`), params)
  })
}

/** Walks the cell index further each time (four times as many rows) until the nearest `limit` are certain. */
async function walkNearest(limit: number, walk: (fetch: number) => Promise<{ rows: Row[] }>): Promise<ShortlistedUnit[]> {
  for (let fetch = firstFetch(limit); ; fetch *= 4) {
    const nearest = nearestFromCells((await walk(fetch)).rows, limit, fetch, CELL_SLACK_DEG)
    if (nearest) {
      return nearest
        .map(({ unitId, callsign, gridCode, lon, lat, fixAgeS, straightMeters }) => ({ unitId, callsign, gridCode, lon, lat, fixAgeS, straightMeters: straightMeters! }))
        .sort((a, b) => a.straightMeters - b.straightMeters)
    }
  }
}
