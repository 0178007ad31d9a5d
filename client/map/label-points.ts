import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon, Position } from 'geojson'

/**
 * One label point per area. MapLibre would label a polygon once per tile it crosses; a point per feature
 * gives each area exactly one label, placed inside its largest part.
 */
export function labelPoints<P>(areas: FeatureCollection<Polygon | MultiPolygon, P>): FeatureCollection<Point, P> {
  return {
    type: 'FeatureCollection',
    features: areas.features.flatMap((f): Feature<Point, P>[] => {
      const rings = f.geometry.type === 'Polygon' ? [f.geometry.coordinates[0]] : f.geometry.coordinates.map((p) => p[0])
      const largest = rings.reduce((a, b) => (Math.abs(ringArea(b)) > Math.abs(ringArea(a)) ? b : a))
      const at = insidePoint(largest)
      return at ? [{ type: 'Feature', properties: f.properties, geometry: { type: 'Point', coordinates: at } }] : []
    }),
  }
}

/** The centroid, or for a concave ring whose centroid falls outside, the middle of its widest chord at that latitude. */
function insidePoint(ring: Position[]): Position | undefined {
  const a = ringArea(ring)
  if (a === 0) return undefined
  let cx = 0
  let cy = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const cross = ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1]
    cx += (ring[j][0] + ring[i][0]) * cross
    cy += (ring[j][1] + ring[i][1]) * cross
  }
  cx /= 6 * a
  cy /= 6 * a
  const xs = crossings(ring, cy)
  if (xs.some((x, k) => k % 2 === 0 && x <= cx && cx <= xs[k + 1])) return [cx, cy]
  let best: Position | undefined
  let bestWidth = 0
  for (let k = 0; k + 1 < xs.length; k += 2) {
    if (xs[k + 1] - xs[k] > bestWidth) {
      bestWidth = xs[k + 1] - xs[k]
      best = [(xs[k] + xs[k + 1]) / 2, cy]
    }
  }
  return best
}

/** Sorted longitudes where the horizontal line at `y` crosses the ring; consecutive pairs bound the inside. */
function crossings(ring: Position[], y: number): number[] {
  const xs: number[] = []
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [x1, y1] = ring[j]
    const [x2, y2] = ring[i]
    if (y1 > y !== y2 > y) xs.push(x1 + ((y - y1) / (y2 - y1)) * (x2 - x1))
  }
  return xs.sort((p, q) => p - q)
}

function ringArea(ring: Position[]): number {
  let a = 0
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1]
  return a / 2
}
