import type { MultiPolygon, Polygon, Position } from 'geojson'
import { metresPerDegree } from '../grids/metres-per-degree.ts'

/**
 * Metres from a point to the nearest edge of a polygon's rings, in a local flat frame around the point: exact
 * enough over the tens of metres this is used for (snapping a fix on a boundary road to a grid).
 */
export function distanceToBoundaryM(lon: number, lat: number, geometry: Polygon | MultiPolygon): number {
  const scale = metresPerDegree(lat)
  const polygons: Position[][][] = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  let best = Infinity
  for (const rings of polygons) {
    for (const ring of rings) {
      for (let i = 1; i < ring.length; i++) {
        const ax = (ring[i - 1][0] - lon) * scale.lon, ay = (ring[i - 1][1] - lat) * scale.lat
        const bx = (ring[i][0] - lon) * scale.lon, by = (ring[i][1] - lat) * scale.lat
        best = Math.min(best, distanceToSegment(ax, ay, bx, by))
      }
    }
  }
  return best
}

/** Distance from the origin to the segment a-b. */
function distanceToSegment(ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay
  const len2 = dx * dx + dy * dy
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / len2))
  return Math.hypot(ax + t * dx, ay + t * dy)
}
