import type { MultiPolygon, Polygon, Position } from 'geojson'

/** Even-odd ray casting over all rings, so holes subtract without special cases. Boundary points are unspecified. */
export function pointInPolygon(lon: number, lat: number, geometry: Polygon | MultiPolygon): boolean {
  if (geometry.type === 'Polygon') return oddCrossings(lon, lat, geometry.coordinates)
  let inside = false
  for (const rings of geometry.coordinates) if (oddCrossings(lon, lat, rings)) inside = !inside
  return inside
}

/**
 * Whether a ray east from the point crosses the rings' edges an odd number of times. Every fix runs this over its
 * grid's outline (hundreds of vertices for a grid built from city blocks), so vertices are read by index and each
 * one once: destructuring both ends of every edge made this a sixth of the pipeline's own time.
 */
function oddCrossings(lon: number, lat: number, rings: Position[][]): boolean {
  let inside = false
  for (const ring of rings) {
    const last = ring[ring.length - 1]
    let xj = last[0]
    let yj = last[1]
    for (let i = 0; i < ring.length; i++) {
      const p = ring[i]
      const xi = p[0]
      const yi = p[1]
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside
      xj = xi
      yj = yi
    }
  }
  return inside
}
