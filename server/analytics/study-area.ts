import type { MultiPolygon, Polygon } from 'geojson'
import { cellArea, cellToBoundary, cellToLatLng } from 'h3-js'
import type { Queryable } from '../db/db.ts'
import type { Principal } from '../auth/principal.ts'
import { areaScope } from '../auth/area-scope.ts'
import { h3Cover } from '../../geo/analytics/h3-cover.ts'

export interface StudyGrid {
  code: string
  geometry: MultiPolygon
  areaKm2: number
  population: number | null
  /** Centroid. */
  lon: number
  lat: number
}

/** The cells a map is made of, zeros included: the grids in scope, or the H3 cells covering them. */
export interface StudyCells {
  kind: 'grid' | 'h3'
  res: number | null
  ids: string[]
  areaKm2: number[]
  population: Array<number | null>
  /** Interleaved lon, lat. */
  centroids: number[]
  geometry(i: number): Polygon | MultiPolygon
}

/** The unit grids the principal may see, under `area` if given. Area from the column, else from the geometry. */
export async function loadStudyGrids(q: Queryable, principal: Principal, area: string | undefined): Promise<StudyGrid[]> {
  const params: unknown[] = [area ? `${area}%` : null]
  const r = await q.query<{ code: string; geom: string; area_km2: number; population: number | null; lon: number; lat: number }>(
    `SELECT code, ST_AsGeoJSON(geom, 6) AS geom, coalesce(area_km2, ST_Area(geom::geography) / 1e6) AS area_km2, population,
            ST_X(ST_Centroid(geom)) AS lon, ST_Y(ST_Centroid(geom)) AS lat
     FROM admin_area WHERE level = 'grid' AND ($1::text IS NULL OR code LIKE $1) AND ${areaScope(principal, 'code', params)}
     ORDER BY code`,
    params,
  )
  return r.rows.map((g) => ({
    code: g.code, geometry: JSON.parse(g.geom) as MultiPolygon, areaKm2: g.area_km2, population: g.population, lon: g.lon, lat: g.lat,
  }))
}

export function gridCells(grids: readonly StudyGrid[]): StudyCells {
  return {
    kind: 'grid',
    res: null,
    ids: grids.map((g) => g.code),
    areaKm2: grids.map((g) => g.areaKm2),
    population: grids.map((g) => g.population),
    centroids: grids.flatMap((g) => [g.lon, g.lat]),
    geometry: (i) => grids[i].geometry,
  }
}

const covers = new WeakMap<readonly StudyGrid[], Map<number, string[]>>()

/** The H3 cells covering the grids, plus any `extra` cells (incidents just outside every grid). */
export function h3Cells(grids: readonly StudyGrid[], res: number, extra: Iterable<string> = []): StudyCells {
  // Covering ~900 grids costs tens of milliseconds; the same grid list (cached by the caller) reuses it.
  let byRes = covers.get(grids)
  if (!byRes) covers.set(grids, (byRes = new Map()))
  let cover = byRes.get(res)
  if (!cover) byRes.set(res, (cover = h3Cover(grids.map((g) => g.geometry), res)))
  const ids = [...cover]
  const known = new Set(ids)
  for (const c of extra) if (!known.has(c)) ids.push(c), known.add(c)
  return {
    kind: 'h3',
    res,
    ids,
    areaKm2: ids.map((c) => cellArea(c, 'km2')),
    population: ids.map(() => null),
    centroids: ids.flatMap((c) => {
      const [lat, lon] = cellToLatLng(c)
      return [lon, lat]
    }),
    geometry: (i) => ({ type: 'Polygon', coordinates: [cellToBoundary(ids[i], true)] }),
  }
}

/** [west, south, east, north] of the grids. */
export function gridsBbox(grids: readonly StudyGrid[]): [number, number, number, number] {
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity]
  for (const g of grids) {
    for (const poly of g.geometry.coordinates) {
      for (const [lon, lat] of poly[0]) {
        b[0] = Math.min(b[0], lon)
        b[1] = Math.min(b[1], lat)
        b[2] = Math.max(b[2], lon)
        b[3] = Math.max(b[3], lat)
      }
    }
  }
  return b
}
