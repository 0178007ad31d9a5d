import { toE7, type Frame } from './node-lines.ts'
import type { BlockPartition } from './polygonize-blocks.ts'

export interface CitySelectionOptions {
  /**
   * OSM has no coastline inside many city extracts, so open water shows up as a huge block on the frame with
   * hardly any addresses in it. Blocks on the frame at least this large...
   */
  openWaterMinKm2: number
  /** ...and with fewer addresses per km2 than this are left out of the city. */
  openWaterMaxHouseholdsPerKm2: number
}

export const DEFAULT_CITY_SELECTION: CitySelectionOptions = { openWaterMinKm2: 50, openWaterMaxHouseholdsPerKm2: 10 }

export interface CitySelection {
  /** Block ids that make up the city, ascending. */
  blocks: number[]
  openWater: number[]
  /** Blocks cut off from the city once open water is removed (piers, islets): no grid could reach them. */
  detached: number[]
}

export function selectCityBlocks(
  p: BlockPartition,
  households: ArrayLike<number>,
  frame: Frame,
  opts: CitySelectionOptions = DEFAULT_CITY_SELECTION,
): CitySelection {
  const x0 = toE7(frame.minLon), y0 = toE7(frame.minLat), x1 = toE7(frame.maxLon), y1 = toE7(frame.maxLat)
  const openWater = p.blocks
    .filter((b) => {
      const onFrame = b.bbox[0] <= x0 || b.bbox[1] <= y0 || b.bbox[2] >= x1 || b.bbox[3] >= y1
      const km2 = b.areaM2 / 1e6
      return onFrame && km2 >= opts.openWaterMinKm2 && households[b.id] / km2 < opts.openWaterMaxHouseholdsPerKm2
    })
    .map((b) => b.id)

  const component = new Int32Array(p.blocks.length).fill(-1)
  for (const id of openWater) component[id] = -2
  const areas: number[] = []
  for (const b of p.blocks) {
    if (component[b.id] !== -1) continue
    const c = areas.length
    let area = 0
    const stack = [b.id]
    component[b.id] = c
    while (stack.length > 0) {
      const f = stack.pop()!
      area += p.blocks[f].areaM2
      for (const g of p.blocks[f].neighbours.keys()) {
        if (component[g] === -1) {
          component[g] = c
          stack.push(g)
        }
      }
    }
    areas.push(area)
  }
  const main = areas.indexOf(Math.max(...areas))
  const blocks: number[] = []
  const detached: number[] = []
  component.forEach((c, id) => {
    if (c === main) blocks.push(id)
    else if (c >= 0) detached.push(id)
  })
  return { blocks, openWater, detached }
}
