import Flatbush from 'flatbush'
import { metresPerDegree } from '../grids/metres-per-degree.ts'

export type LonLat = [number, number]

/** The point of an edge's polyline nearest to a query point. */
export interface NearestOnEdge {
  /** Edge, by its position in the list the shapes were built from. */
  edge: number
  /** Metres from the start of the polyline to the point. */
  alongM: number
  /** Metres from the query point to the polyline. */
  distanceM: number
  lon: number
  lat: number
}

/**
 * Road polylines in flat arrays, measured in local metres (an equirectangular projection at the network's mean
 * latitude: within a city, well under 0.1 % off), with an R-tree over their segments for snapping.
 */
export class EdgeShapes {
  private readonly vStart: Int32Array
  private readonly vLon: Float64Array
  private readonly vLat: Float64Array
  /** Metres from the start of its polyline to the vertex. */
  private readonly vCum: Float64Array
  private readonly kx: number
  private readonly ky: number
  private readonly index: Flatbush | null
  /** Segment i of the index starts at vertex segVertex[i] of edge segEdge[i]. */
  private readonly segEdge: Int32Array
  private readonly segVertex: Int32Array

  /** `snappable(k)` says whether edge k may be snapped onto (its geometry is kept either way). */
  constructor(shapes: readonly (readonly (readonly [number, number])[])[], snappable: (edge: number) => boolean) {
    let vertices = 0
    let latSum = 0
    for (const s of shapes) {
      vertices += s.length
      for (const p of s) latSum += p[1]
    }
    const scale = metresPerDegree(vertices ? latSum / vertices : 0)
    this.kx = scale.lon
    this.ky = scale.lat
    this.vStart = new Int32Array(shapes.length + 1)
    this.vLon = new Float64Array(vertices)
    this.vLat = new Float64Array(vertices)
    this.vCum = new Float64Array(vertices)
    let v = 0
    let segments = 0
    shapes.forEach((s, k) => {
      this.vStart[k] = v
      let cum = 0
      for (let i = 0; i < s.length; i++, v++) {
        this.vLon[v] = s[i][0]
        this.vLat[v] = s[i][1]
        if (i > 0) cum += Math.hypot((this.vLon[v] - this.vLon[v - 1]) * this.kx, (this.vLat[v] - this.vLat[v - 1]) * this.ky)
        this.vCum[v] = cum
      }
      if (snappable(k) && s.length > 1) segments += s.length - 1
    })
    this.vStart[shapes.length] = v

    this.segEdge = new Int32Array(segments)
    this.segVertex = new Int32Array(segments)
    this.index = segments ? new Flatbush(segments) : null
    let i = 0
    for (let k = 0; k < shapes.length; k++) {
      if (!snappable(k)) continue
      for (let a = this.vStart[k]; a < this.vStart[k + 1] - 1; a++, i++) {
        this.segEdge[i] = k
        this.segVertex[i] = a
        const x1 = this.vLon[a] * this.kx
        const y1 = this.vLat[a] * this.ky
        const x2 = this.vLon[a + 1] * this.kx
        const y2 = this.vLat[a + 1] * this.ky
        this.index!.add(Math.min(x1, x2), Math.min(y1, y2), Math.max(x1, x2), Math.max(y1, y2))
      }
    }
    this.index?.finish()
  }

  /** Metres along the polyline of edge k, as measured here. */
  lengthM(k: number): number {
    return this.vCum[this.vStart[k + 1] - 1]
  }

  /** The nearest point on any snappable edge within maxM metres, or null. */
  nearest(lon: number, lat: number, maxM: number): NearestOnEdge | null {
    if (!this.index) return null
    const x = lon * this.kx
    const y = lat * this.ky
    // Box distance is a lower bound of segment distance: the nearest few boxes give an upper bound d, and the
    // true nearest segment is among the boxes within d.
    let bound = Infinity
    for (const s of this.index.neighbors(x, y, 4, maxM)) bound = Math.min(bound, this.segmentDistance(s, x, y).d)
    if (bound > maxM) return null
    let best = Infinity
    let bestSeg = -1
    let bestT = 0
    for (const s of this.index.search(x - bound, y - bound, x + bound, y + bound)) {
      const { d, t } = this.segmentDistance(s, x, y)
      if (d < best || (d === best && s < bestSeg)) {
        best = d
        bestSeg = s
        bestT = t
      }
    }
    if (bestSeg < 0 || best > maxM) return null
    const a = this.segVertex[bestSeg]
    const segLen = this.vCum[a + 1] - this.vCum[a]
    return {
      edge: this.segEdge[bestSeg],
      alongM: bestT >= 1 ? this.vCum[a + 1] : this.vCum[a] + bestT * segLen,
      distanceM: best,
      lon: this.vLon[a] + bestT * (this.vLon[a + 1] - this.vLon[a]),
      lat: this.vLat[a] + bestT * (this.vLat[a + 1] - this.vLat[a]),
    }
  }

  /** The part of edge k's polyline between two distances along it, in the order given (reversed when from > to). */
  slice(k: number, fromM: number, toM: number): LonLat[] {
    if (fromM > toM) return this.slice(k, toM, fromM).reverse()
    const out: LonLat[] = [this.pointAt(k, fromM)]
    for (let v = this.vStart[k]; v < this.vStart[k + 1]; v++) {
      if (this.vCum[v] > fromM && this.vCum[v] < toM) out.push([this.vLon[v], this.vLat[v]])
    }
    out.push(this.pointAt(k, toM))
    return out
  }

  private pointAt(k: number, m: number): LonLat {
    const first = this.vStart[k]
    const last = this.vStart[k + 1] - 1
    if (m <= 0) return [this.vLon[first], this.vLat[first]]
    for (let v = first; v < last; v++) {
      if (this.vCum[v + 1] < m) continue
      const len = this.vCum[v + 1] - this.vCum[v]
      const t = len > 0 ? (m - this.vCum[v]) / len : 0
      return [this.vLon[v] + t * (this.vLon[v + 1] - this.vLon[v]), this.vLat[v] + t * (this.vLat[v + 1] - this.vLat[v])]
    }
    return [this.vLon[last], this.vLat[last]]
  }

  private segmentDistance(s: number, x: number, y: number): { d: number; t: number } {
    const a = this.segVertex[s]
    const x1 = this.vLon[a] * this.kx
    const y1 = this.vLat[a] * this.ky
    const dx = this.vLon[a + 1] * this.kx - x1
    const dy = this.vLat[a + 1] * this.ky - y1
    const len2 = dx * dx + dy * dy
    const t = len2 > 0 ? Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / len2)) : 0
    return { d: Math.hypot(x1 + t * dx - x, y1 + t * dy - y), t }
  }
}
