import { metresPerDegree } from '../grids/metres-per-degree.ts'

/**
 * Lon/lat to metres on a plane tangent at the points' mean latitude. Across a city (tens of km) distances stay
 * within a few parts in ten thousand of the geodesic ones, far below any bandwidth or band anyone would choose.
 */
export function toLocalMetres(lonLat: ArrayLike<number>): { xy: Float64Array; lat0: number } {
  const n = lonLat.length / 2
  let sum = 0
  for (let i = 0; i < n; i++) sum += lonLat[2 * i + 1]
  const lat0 = n ? sum / n : 0
  const s = metresPerDegree(lat0)
  const xy = new Float64Array(lonLat.length)
  for (let i = 0; i < n; i++) {
    xy[2 * i] = lonLat[2 * i] * s.lon
    xy[2 * i + 1] = lonLat[2 * i + 1] * s.lat
  }
  return { xy, lat0 }
}
