import Flatbush from 'flatbush'
import type { MultiPolygon, Polygon } from 'geojson'
import { metresPerDegree } from '../grids/metres-per-degree.ts'
import type { SpatialWeights } from './spatial-weights.ts'

/**
 * Queen contiguity: two polygons are neighbours when their boundaries touch anywhere, at a shared edge or only
 * at a corner. Boundaries of imported grids rarely share vertices bit for bit (digitised separately, or a
 * T-junction where one grid's edge carries a vertex the other lacks), so "touch" means a vertex of one lies
 * within `toleranceM` metres of the other's boundary. Every vertex is tested against an R-tree of all edges.
 */
export function queenWeights(polygons: ReadonlyArray<Polygon | MultiPolygon>, toleranceM = 0.5): SpatialWeights {
  const sets = polygons.map(() => new Set<number>())
  const lat0 = referenceLatitude(polygons)
  const scale = metresPerDegree(lat0)
  const rings = polygons.map((g) => (g.type === 'Polygon' ? g.coordinates : g.coordinates.flat()))
  // Edges in local metres, flat: x1 y1 x2 y2 per edge, and the polygon each belongs to.
  const edges: number[] = []
  const owner: number[] = []
  rings.forEach((rs, p) => {
    for (const ring of rs) {
      for (let k = 0; k + 1 < ring.length; k++) {
        edges.push((ring[k][0]) * scale.lon, ring[k][1] * scale.lat, ring[k + 1][0] * scale.lon, ring[k + 1][1] * scale.lat)
        owner.push(p)
      }
    }
  })
  if (owner.length === 0) return { neighbours: polygons.map(() => []) }
  const index = new Flatbush(owner.length)
  for (let e = 0; e < owner.length; e++) {
    const [x1, y1, x2, y2] = edges.slice(4 * e, 4 * e + 4)
    index.add(Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2))
  }
  index.finish()
  const tol2 = toleranceM * toleranceM
  rings.forEach((rs, p) => {
    for (const ring of rs) {
      for (const [lon, lat] of ring) {
        const x = lon * scale.lon, y = lat * scale.lat
        for (const e of index.search(x - toleranceM, y - toleranceM, x + toleranceM, y + toleranceM)) {
          const q = owner[e]
          if (q === p || sets[p].has(q)) continue
          if (segmentDistance2(x, y, edges[4 * e], edges[4 * e + 1], edges[4 * e + 2], edges[4 * e + 3]) <= tol2) {
            sets[p].add(q)
            sets[q].add(p)
          }
        }
      }
    }
  })
  return { neighbours: sets.map((s) => [...s].sort((a, b) => a - b)) }
}

function referenceLatitude(polygons: ReadonlyArray<Polygon | MultiPolygon>): number {
  for (const g of polygons) {
    const first = g.type === 'Polygon' ? g.coordinates[0]?.[0] : g.coordinates[0]?.[0]?.[0]
    if (first) return first[1]
  }
  return 0
}

function segmentDistance2(px: number, py: number, x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1, dy = y2 - y1
  const len2 = dx * dx + dy * dy
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - x1) * dx + (py - y1) * dy) / len2))
  const ex = x1 + t * dx - px, ey = y1 + t * dy - py
  return ex * ex + ey * ey
}
