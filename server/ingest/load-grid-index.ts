import type { MultiPolygon } from 'geojson'
import type { Queryable } from '../db/db.ts'
import { buildGridIndex, type GridIndex } from '../../geo/grid-index/grid-index.ts'

// Half a wide avenue plus GPS error: a fix or a report on the city's edge roads still belongs to the grid beside
// them. The demo seeding uses the same figure, so live data lands where the history does.
export const GRID_SNAP_METRES = 40

/** The unit grids as an in-memory point-in-polygon index: one lookup per fix, no query. */
export async function loadGridIndex(q: Queryable): Promise<GridIndex> {
  const r = await q.query<{ code: string; geom: string }>(`SELECT code, ST_AsGeoJSON(geom) AS geom FROM admin_area WHERE level = 'grid'`)
  return buildGridIndex(
    r.rows.map((g) => ({ type: 'Feature' as const, geometry: JSON.parse(g.geom) as MultiPolygon, properties: { code: g.code } })),
    { snapMetres: GRID_SNAP_METRES },
  )
}
