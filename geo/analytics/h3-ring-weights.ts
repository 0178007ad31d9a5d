import { gridDisk } from 'h3-js'
import type { SpatialWeights } from './spatial-weights.ts'

/** Queen contiguity on H3: the six (five at a pentagon) cells of ring 1 that are among the cells studied. */
export function h3RingWeights(cells: readonly string[]): SpatialWeights {
  const at = new Map(cells.map((c, i) => [c, i]))
  return {
    neighbours: cells.map((c) =>
      gridDisk(c, 1)
        .filter((d) => d !== c && at.has(d))
        .map((d) => at.get(d)!)
        .sort((a, b) => a - b),
    ),
  }
}
