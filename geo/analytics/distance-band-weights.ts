import KDBush from 'kdbush'
import type { SpatialWeights } from './spatial-weights.ts'
import { toLocalMetres } from './local-metres.ts'

/**
 * Fixed distance band, binary: j is a neighbour of i when their centroids (interleaved lon, lat) are at most
 * `bandM` metres apart.
 */
export function distanceBandWeights(centroids: ArrayLike<number>, bandM: number): SpatialWeights {
  const { xy } = toLocalMetres(centroids)
  const n = xy.length / 2
  const index = new KDBush(Math.max(n, 1))
  for (let i = 0; i < n; i++) index.add(xy[2 * i], xy[2 * i + 1])
  if (n === 0) index.add(0, 0)
  index.finish()
  const neighbours: number[][] = []
  for (let i = 0; i < n; i++) {
    const x = xy[2 * i], y = xy[2 * i + 1]
    neighbours.push(
      index
        .range(x - bandM, y - bandM, x + bandM, y + bandM)
        .filter((j) => j !== i && j < n && (xy[2 * j] - x) ** 2 + (xy[2 * j + 1] - y) ** 2 <= bandM * bandM)
        .sort((a, b) => a - b),
    )
  }
  return { neighbours }
}
