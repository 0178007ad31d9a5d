import { toLocalMetres } from './local-metres.ts'

/**
 * Automatic KDE bandwidth, the spatial variant of Silverman's rule of thumb that ArcGIS Kernel Density documents:
 *
 *   h = 0.9 · min(SD, √(1/ln 2) · Dm) · n^(−0.2)
 *
 * SD the standard distance of the points about their mean centre, Dm the median distance to the mean centre,
 * n the number of points (Σ weights). Points interleaved lon, lat, optionally weighted; metres; 0 if n < 2.
 */
export function kdeBandwidthM(lonLat: ArrayLike<number>, weights: ArrayLike<number> | null = null): number {
  const { xy } = toLocalMetres(lonLat)
  const k = xy.length / 2
  const w = (i: number) => (weights ? weights[i] : 1)
  let n = 0, mx = 0, my = 0
  for (let i = 0; i < k; i++) {
    n += w(i)
    mx += w(i) * xy[2 * i]
    my += w(i) * xy[2 * i + 1]
  }
  if (n < 2) return 0
  mx /= n
  my /= n
  const d = Array.from({ length: k }, (_, i) => ({ d: Math.hypot(xy[2 * i] - mx, xy[2 * i + 1] - my), w: w(i) }))
  const sd = Math.sqrt(d.reduce((acc, p) => acc + p.w * p.d * p.d, 0) / n)
  d.sort((a, b) => a.d - b.d)
  let acc = 0, median = 0
  for (const p of d) {
    acc += p.w
    if (acc >= n / 2) {
      median = p.d
      break
    }
  }
  return 0.9 * Math.min(sd, Math.sqrt(1 / Math.LN2) * median) * n ** -0.2
}
