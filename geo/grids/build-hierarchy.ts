import { coarsen, groupUnits, type GroupingRules, type GroupUnit } from './group-units.ts'
import { metresPerDegree } from './metres-per-degree.ts'
import type { BlockPartition } from './polygonize-blocks.ts'
import { hilbertOrder } from './spatial-order.ts'

export interface HierarchyRules {
  grid: GroupingRules
  community: GroupingRules
  street: GroupingRules
}

/**
 * Social-governance grids of 300-500 households, capped at 0.1-0.3 km2 where addresses are sparse; 6-15 grids
 * per community and 5-10 communities per street. All rules of thumb from the literature, hence configurable.
 */
export const DEFAULT_HIERARCHY_RULES: HierarchyRules = {
  grid: { households: { min: 300, target: 400, max: 500 }, areaKm2: { min: 0.1, target: 0.25, max: 0.3 } },
  community: { units: { min: 6, target: 10, max: 15 } },
  street: { units: { min: 5, target: 7, max: 10 } },
}

/** streets[s][c][g] lists the block ids of grid g in community c in street s; every level in serial order. */
export type Hierarchy = number[][][][]

export function buildHierarchy(
  p: BlockPartition,
  blocks: readonly number[],
  households: ArrayLike<number>,
  rules: HierarchyRules = DEFAULT_HIERARCHY_RULES,
): Hierarchy {
  const blockUnits = toUnits(p, blocks, households)
  const grids = groupUnits(blockUnits, rules.grid)
  const gridUnits = coarsen(blockUnits, grids)
  const communities = groupUnits(gridUnits, rules.community)
  const communityUnits = coarsen(gridUnits, communities)
  const streets = groupUnits(communityUnits, rules.street)
  const streetUnits = coarsen(communityUnits, streets)

  const inOrder = (members: readonly number[], units: readonly GroupUnit[]) =>
    hilbertOrder(members.map((i) => units[i])).map((k) => members[k])
  return inOrder(streets.map((_, s) => s), streetUnits).map((s) =>
    inOrder(streets[s], communityUnits).map((c) =>
      inOrder(communities[c], gridUnits).map((g) => grids[g].map((i) => blocks[i]).sort((a, b) => a - b)),
    ),
  )
}

/** Blocks as grouping units on a local plane in km; adjacency outside the selection is dropped. */
function toUnits(p: BlockPartition, blocks: readonly number[], households: ArrayLike<number>): GroupUnit[] {
  const local = new Map(blocks.map((id, i) => [id, i]))
  const lat0 = blocks.reduce((s, id) => s + p.blocks[id].centroid[1], 0) / blocks.length
  const lon0 = blocks.reduce((s, id) => s + p.blocks[id].centroid[0], 0) / blocks.length
  const m = metresPerDegree(lat0)
  return blocks.map((id) => {
    const b = p.blocks[id]
    const neighbours = new Map<number, number>()
    for (const [other, metres] of b.neighbours) {
      const j = local.get(other)
      if (j !== undefined) neighbours.set(j, metres / 1000)
    }
    return {
      households: households[id],
      areaKm2: b.areaM2 / 1e6,
      perimeterKm: b.perimeterM / 1000,
      x: ((b.centroid[0] - lon0) * m.lon) / 1000,
      y: ((b.centroid[1] - lat0) * m.lat) / 1000,
      neighbours,
    }
  })
}
