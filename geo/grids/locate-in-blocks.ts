import Flatbush from 'flatbush'
import type { Position } from 'geojson'
import { toE7 } from './node-lines.ts'
import { ringContains, type BlockPartition } from './polygonize-blocks.ts'

/** The block each point falls in (-1 outside every block); a point exactly on a shared edge goes to one of them. */
export function locateInBlocks(p: BlockPartition, points: readonly Position[]): Int32Array {
  const index = new Flatbush(p.blocks.length)
  for (const b of p.blocks) index.add(...b.bbox)
  index.finish()
  // Small boxes first: a point is nearly always in one, and the few huge blocks (open water around the whole
  // city) have boxes that hold every point and rings thousands of edges long.
  const boxArea = p.blocks.map((b) => (b.bbox[2] - b.bbox[0]) * (b.bbox[3] - b.bbox[1]))
  const out = new Int32Array(points.length).fill(-1)
  points.forEach((pt, i) => {
    const x = toE7(pt[0]), y = toE7(pt[1])
    for (const f of index.search(x, y, x, y).sort((a, b) => boxArea[a] - boxArea[b] || a - b)) {
      // Holes are extra rings, so an even-odd count over all of a block's rings decides membership.
      let inside = false
      for (const start of p.blocks[f].ringStarts) if (ringContains(p, start, x, y)) inside = !inside
      if (inside) {
        out[i] = f
        return
      }
    }
  })
  return out
}
