import Flatbush from 'flatbush'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import { pointInPolygon } from './point-in-polygon.ts'
import { distanceToBoundaryM } from './distance-to-boundary.ts'
import { metresPerDegree } from '../grids/metres-per-degree.ts'

export interface GridIndex {
  /**
   * Code of the grid containing the point (or, outside them all, the nearest within the snap distance), or null.
   * `hint`: a grid the point is likely in (a unit's last one), tested first: most fixes stay in their grid.
   */
  lookup(lon: number, lat: number, hint?: string | null): string | null
  readonly size: number
}

export interface GridIndexOptions {
  /**
   * Grids built from blocks end at the kerb of the city's edge roads, so a report or a camera on a boundary
   * road (or a GPS fix a few metres off) falls just outside. Within this distance it counts for the nearest grid.
   */
  snapMetres?: number
}

/**
 * Point-in-polygon over the unit grids: an R-tree of bounding boxes narrows the candidates to a handful, then an
 * exact test. Grids tile the city without overlaps, so the first hit is the answer.
 */
export function buildGridIndex(
  grids: Array<Feature<Polygon | MultiPolygon, { code: string }>>,
  { snapMetres = 0 }: GridIndexOptions = {},
): GridIndex {
  const index = new Flatbush(Math.max(grids.length, 1))
  for (const g of grids) {
    const [minX, minY, maxX, maxY] = bounds(g.geometry)
    index.add(minX, minY, maxX, maxY)
  }
  if (grids.length === 0) index.add(0, 0, 0, 0)
  index.finish()
  const byCode = new Map(grids.map((g) => [g.properties.code, g]))

  function nearestWithin(lon: number, lat: number): string | null {
    const scale = metresPerDegree(lat)
    const dLon = snapMetres / scale.lon, dLat = snapMetres / scale.lat
    let best: string | null = null
    let bestM = snapMetres
    for (const i of index.search(lon - dLon, lat - dLat, lon + dLon, lat + dLat)) {
      const g = grids[i]
      if (!g) continue
      const m = distanceToBoundaryM(lon, lat, g.geometry)
      if (m <= bestM) [best, bestM] = [g.properties.code, m]
    }
    return best
  }
  return {
    size: grids.length,
    lookup(lon, lat, hint) {
      const likely = hint ? byCode.get(hint) : undefined
      if (likely && pointInPolygon(lon, lat, likely.geometry)) return hint!
      for (const i of index.search(lon, lat, lon, lat)) {
        const g = grids[i]
        if (g && pointInPolygon(lon, lat, g.geometry)) return g.properties.code
      }
      return snapMetres > 0 ? nearestWithin(lon, lat) : null
    },
  }
}

function bounds(geometry: Polygon | MultiPolygon): [number, number, number, number] {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  for (const poly of polygons) {
    for (const [x, y] of poly[0]) {
      if (x < minX) minX = x
      if (y < minY) minY = y
      if (x > maxX) maxX = x
      if (y > maxY) maxY = y
    }
  }
  return [minX, minY, maxX, maxY]
}
