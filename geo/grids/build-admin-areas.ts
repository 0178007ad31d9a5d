import type { Position } from 'geojson'
import type { AdminArea, AdminLevel } from './admin-area.ts'
import { communityNames, gridNames, pickUniqueNames, streetNames, type AreaNames } from './area-names.ts'
import type { Hierarchy } from './build-hierarchy.ts'
import { unionFaces } from './face-union.ts'
import { childCode } from './grid-codes.ts'
import { locateInBlocks } from './locate-in-blocks.ts'
import { edgeLengthM, type BlockPartition } from './polygonize-blocks.ts'

export interface CityIdentity extends AreaNames {
  code: string
}

export interface NamedPlace {
  coordinates: Position
  name: string
  /** Lower is more prominent (a suburb before a neighbourhood before a square). */
  rank: number
}

export interface AdminAreaInput {
  partition: BlockPartition
  hierarchy: Hierarchy
  /** Address count per block id. */
  households: ArrayLike<number>
  city: CityIdentity
  /** Name of each input line of the partition (by the index noding kept as `source`), for naming areas. */
  lineNames: readonly (string | undefined)[]
  places: readonly NamedPlace[]
  personsPerHousehold: number
}

/** The city, then each street followed by its communities, each followed by its grids: parents come first. */
export function buildAdminAreas(input: AdminAreaInput): AdminArea[] {
  const { partition: p, hierarchy, households, city } = input
  const streets = hierarchy
  const communities = streets.flat()
  const grids = communities.flat()

  const blockIndex = (areas: readonly (readonly number[])[]) => {
    const of = new Int32Array(p.blocks.length).fill(-1)
    areas.forEach((blocks, k) => blocks.forEach((b) => (of[b] = k)))
    return of
  }
  const streetOfBlock = blockIndex(streets.map((s) => s.flat(2)))
  const communityOfBlock = blockIndex(communities.map((c) => c.flat()))
  const gridOfBlock = blockIndex(grids)

  const places = placesByArea(input, [streetOfBlock, communityOfBlock, gridOfBlock], [streets.length, communities.length, grids.length])
  const roads = roadsByArea(input, [communityOfBlock, gridOfBlock], [communities.length, grids.length])
  const streetBases = pickUniqueNames(places[0])
  const communityBases = pickUniqueNames(places[1].map((list, k) => [...list, ...roads[0][k]]))
  const gridBases = pickUniqueNames(roads[1].map((list, k) => [...list, ...places[2][k]]))

  const area = (code: string, level: AdminLevel, parentCode: string | null, names: AreaNames, blocks: number[]): AdminArea => {
    let hh = 0, areaM2 = 0
    for (const b of blocks) {
      hh += households[b]
      areaM2 += p.blocks[b].areaM2
    }
    return {
      code,
      level,
      parentCode,
      ...names,
      geometry: unionFaces(p, blocks),
      households: hh,
      population: Math.round(hh * input.personsPerHousehold),
      areaKm2: areaM2 / 1e6,
    }
  }

  const out: AdminArea[] = [area(city.code, 'city', null, city, grids.flat())]
  let c = 0, g = 0
  streets.forEach((street, s) => {
    const streetCode = childCode(city.code, s + 1)
    const sNames = streetNames(streetBases[s], s + 1)
    out.push(area(streetCode, 'street', city.code, sNames, street.flat(2)))
    street.forEach((community, ci) => {
      const communityCode = childCode(streetCode, ci + 1)
      const cNames = communityNames(communityBases[c++], ci + 1, sNames)
      out.push(area(communityCode, 'community', streetCode, cNames, community.flat()))
      community.forEach((blocks, gi) => {
        out.push(area(childCode(communityCode, gi + 1), 'grid', communityCode, gridNames(gridBases[g++], gi + 1, cNames), blocks))
      })
    })
  })
  return out
}

/** Per level, the names of places inside each area: most prominent first, then nearest the area's centre. */
function placesByArea(input: AdminAreaInput, areaOfBlock: Int32Array[], counts: number[]): string[][][] {
  const { partition: p, places } = input
  const at = locateInBlocks(p, places.map((pl) => pl.coordinates))
  return areaOfBlock.map((of, level) => {
    const centre = centroids(p, of, counts[level])
    const lists: { name: string; rank: number; d: number }[][] = Array.from({ length: counts[level] }, () => [])
    places.forEach((pl, i) => {
      const k = at[i] >= 0 ? of[at[i]] : -1
      if (k < 0) return
      const d = Math.hypot(pl.coordinates[0] - centre[k][0], pl.coordinates[1] - centre[k][1])
      lists[k].push({ name: pl.name, rank: pl.rank, d })
    })
    return lists.map((l) => l.sort((a, b) => a.rank - b.rank || a.d - b.d || cmp(a.name, b.name)).map((x) => x.name))
  })
}

/**
 * Per level, the road names of each area, longest first. A road between two blocks of the same area counts in
 * full; a road on the area's edge counts half, as it belongs to the neighbour as much.
 */
function roadsByArea(input: AdminAreaInput, areaOfBlock: Int32Array[], counts: number[]): string[][][] {
  const { partition: p, lineNames } = input
  return areaOfBlock.map((of, level) => {
    const lengths = Array.from({ length: counts[level] }, () => new Map<string, number>())
    for (let h = 0; h < p.origin.length; h += 2) {
      const name = p.source[h >> 1] >= 0 ? lineNames[p.source[h >> 1]] : undefined
      if (!name) continue
      const len = edgeLengthM(p, h)
      for (const f of [p.faceOf[h], p.faceOf[h + 1]]) {
        const k = f >= 0 ? of[f] : -1
        if (k >= 0) lengths[k].set(name, (lengths[k].get(name) ?? 0) + len / 2)
      }
    }
    return lengths.map((m) => [...m].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0])).map(([name]) => name))
  })
}

function centroids(p: BlockPartition, of: Int32Array, count: number): [number, number][] {
  const acc = Array.from({ length: count }, () => [0, 0, 0])
  p.blocks.forEach((b) => {
    const k = of[b.id]
    if (k < 0) return
    acc[k][0] += b.centroid[0] * b.areaM2
    acc[k][1] += b.centroid[1] * b.areaM2
    acc[k][2] += b.areaM2
  })
  return acc.map(([x, y, w]) => [x / w, y / w])
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
