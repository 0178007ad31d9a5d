import type { Queryable } from '../../server/db/db.ts'

/**
 * Rows that carry the unit grid they lie in. position_history is left alone: each fix keeps the grid it was
 * counted in when it arrived, as dwell and coverage figures already did.
 */
const PLACED = {
  incident: { key: 'id', geom: 'geom' },
  camera: { key: 'id', geom: 'geom' },
  camera_alert: { key: 'id', geom: 'geom' },
  station: { key: 'id', geom: 'geom' },
  unit: { key: 'id', geom: 'home' },
  unit_position_latest: { key: 'unit_id', geom: 'geom' },
} as const

export type PlacedTable = keyof typeof PLACED
const PLACED_TABLES = Object.keys(PLACED) as PlacedTable[]

/** The demo city's snap (seeds/seed-city.ts): a camera or report on a boundary road still belongs to a grid. */
const GRID_SNAP_METRES = 40
// A little under the shortest degree of latitude in metres, so the search box always holds the snap circle.
const METRES_PER_DEGREE_FLOOR = 110_000

export interface Regridded {
  table: PlacedTable
  changed: number
  /** Placed rows more than the snap distance from every grid. */
  outside: number
}

/** Which rows to place: by default every placed row of every table. */
export interface RegridScope {
  table: PlacedTable
  ids: readonly string[]
}

/**
 * Sets grid_code from the current unit grids: the grid containing the point (the lowest code where grids
 * touch), else the nearest within GRID_SNAP_METRES, else NULL. Only rows whose code changes are written.
 */
export async function assignGridCodes(q: Queryable, scope?: RegridScope): Promise<Regridded[]> {
  const results: Regridded[] = []
  for (const table of scope ? [scope.table] : PLACED_TABLES) {
    const { key, geom } = PLACED[table]
    const inScope = (param: string) => `(${param}::text[] IS NULL OR t.${key}::text = ANY(${param}::text[]))`
    const ids = scope?.ids ?? null
    const updated = await q.query(
      `WITH placed AS (
         SELECT t.${key} AS key, coalesce(
           (SELECT g.code FROM admin_area g WHERE g.level = 'grid' AND ST_Intersects(g.geom, t.${geom}) ORDER BY g.code LIMIT 1),
           (SELECT g.code FROM admin_area g
             WHERE g.level = 'grid'
               AND g.geom && ST_Expand(t.${geom}, $1::float8 / ($2::float8 * greatest(cos(radians(ST_Y(t.${geom}))), 0.01)))
               AND ST_DWithin(g.geom::geography, t.${geom}::geography, $1::float8)
             ORDER BY ST_Distance(g.geom::geography, t.${geom}::geography), g.code LIMIT 1)) AS code
         FROM ${table} t WHERE ${inScope('$3')})
       UPDATE ${table} t SET grid_code = p.code FROM placed p WHERE t.${key} = p.key AND t.grid_code IS DISTINCT FROM p.code`,
      [GRID_SNAP_METRES, METRES_PER_DEGREE_FLOOR, ids],
    )
    const outside = await q.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${table} t WHERE ${inScope('$1')} AND ${geom} IS NOT NULL AND grid_code IS NULL`,
      [ids],
    )
    results.push({ table, changed: updated.affectedRows, outside: outside.rows[0].n })
  }
  return results
}

/** The report lines of a regridding: only tables where something changed or lies outside the grids. */
export function regriddedCounts(results: readonly Regridded[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const { table, changed, outside } of results) {
    if (changed > 0) counts[`${table} grid codes changed`] = changed
    if (outside > 0) counts[`${table} outside every grid`] = outside
  }
  return counts
}
