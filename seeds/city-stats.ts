import type { Queryable } from '../server/db/db.ts'

export interface CityStats {
  streets: number
  communities: number
  grids: number
  cityKm2: number
  roadEdges: number
  roadNodes: number
  roadKm: number
  stations: number
  units: number
  cameras: number
  incidents: number
  openIncidents: number
  categories: number
  orgs: number
}

/** What is loaded, counted in the database itself (not taken from the seeder's own bookkeeping). */
export async function cityStats(q: Queryable): Promise<CityStats> {
  const r = await q.query<CityStats>(`
    SELECT
      (SELECT count(*) FROM admin_area WHERE level = 'street')::int AS streets,
      (SELECT count(*) FROM admin_area WHERE level = 'community')::int AS communities,
      (SELECT count(*) FROM admin_area WHERE level = 'grid')::int AS grids,
      (SELECT coalesce(sum(area_km2), 0) FROM admin_area WHERE level = 'grid')::float8 AS "cityKm2",
      (SELECT count(*) FROM road_edge)::int AS "roadEdges",
      (SELECT count(*) FROM road_node)::int AS "roadNodes",
      (SELECT coalesce(sum(length_m), 0) / 1000 FROM road_edge)::float8 AS "roadKm",
      (SELECT count(*) FROM station)::int AS stations,
      (SELECT count(*) FROM unit)::int AS units,
      (SELECT count(*) FROM camera)::int AS cameras,
      (SELECT count(*) FROM incident)::int AS incidents,
      (SELECT count(*) FROM incident WHERE closed_at IS NULL)::int AS "openIncidents",
      (SELECT count(*) FROM category)::int AS categories,
      (SELECT count(*) FROM org)::int AS orgs`)
  return r.rows[0]!
}

export function formatCityStats(s: CityStats): string {
  const n = (x: number) => x.toLocaleString('en')
  return [
    `areas      ${n(s.streets)} streets, ${n(s.communities)} communities, ${n(s.grids)} grids, ${s.cityKm2.toFixed(2)} km²`,
    `roads      ${n(s.roadEdges)} edges, ${n(s.roadNodes)} nodes, ${s.roadKm.toFixed(1)} km`,
    `units      ${n(s.units)} units at ${n(s.stations)} stations`,
    `cameras    ${n(s.cameras)}`,
    `incidents  ${n(s.incidents)} (${n(s.openIncidents)} open)`,
    `catalogue  ${n(s.categories)} categories, ${n(s.orgs)} orgs`,
  ].join('\n')
}
