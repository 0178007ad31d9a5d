import type { MultiPolygon, Polygon, Position } from 'geojson'

/** Even-odd ray casting over all rings, so holes subtract without special cases. Boundary points are unspecified. */
export function pointInPolygon(lon: number, lat: number, geometry: Polygon | MultiPolygon): boolean {
  const polygons: Position[][][] = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates
  let inside = false
  for (const rings of polygons) {
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i]
        const [xj, yj] = ring[j]
        if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) inside = !inside
      }
    }
  }
  return inside
}
