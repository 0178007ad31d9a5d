import Flatbush from 'flatbush'
import { toLocalMetres } from './local-metres.ts'

/**
 * The band ArcGIS proposes when none is given: the largest nearest-neighbour distance, so that every cell has at
 * least one neighbour. Centroids interleaved lon, lat; metres; 0 with fewer than two cells.
 */
export function defaultBandM(centroids: ArrayLike<number>): number {
  const { xy } = toLocalMetres(centroids)
  const n = xy.length / 2
  if (n < 2) return 0
  const index = new Flatbush(n)
  for (let i = 0; i < n; i++) index.add(xy[2 * i], xy[2 * i + 1], xy[2 * i], xy[2 * i + 1])
  index.finish()
  let band = 0
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i], y = xy[2 * i + 1]
    const j = index.neighbors(x, y, 1, Infinity, (k) => k !== i)[0]
    band = Math.max(band, Math.hypot(xy[2 * j] - x, xy[2 * j + 1] - y))
  }
  return band
}
