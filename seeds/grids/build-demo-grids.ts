import type { BBox, Position } from 'geojson'
import type { AdminArea } from '../../geo/grids/admin-area.ts'
import { buildAdminAreas, type CityIdentity, type NamedPlace } from '../../geo/grids/build-admin-areas.ts'
import { buildHierarchy, DEFAULT_HIERARCHY_RULES, type HierarchyRules } from '../../geo/grids/build-hierarchy.ts'
import { DEMO_DIVISION_CODE } from '../../geo/grids/grid-codes.ts'
import { locateInBlocks } from '../../geo/grids/locate-in-blocks.ts'
import { nodeLines } from '../../geo/grids/node-lines.ts'
import { polygonizeBlocks } from '../../geo/grids/polygonize-blocks.ts'
import { DEFAULT_CITY_SELECTION, selectCityBlocks, type CitySelectionOptions } from '../../geo/grids/select-city-blocks.ts'
import { DRIVABLE_CLASSES } from '../../geo/road-graph/road-classes.ts'
import { MONTEVIDEO_BBOX, type CityLayers } from '../osm/city-layers.ts'

export interface DemoGridOptions {
  bbox?: BBox
  rules?: HierarchyRules
  city?: CityIdentity
  citySelection?: CitySelectionOptions
  /** Persons per household for the population estimate. */
  personsPerHousehold?: number
}

/** Real streets of Montevideo under a fictional division code (see grid-codes.ts). */
export const DEMO_CITY: CityIdentity = {
  code: DEMO_DIVISION_CODE,
  name: '蒙得维的亚市',
  nameEn: 'Montevideo',
  orgName: '蒙得维的亚市网格化管理指挥中心',
  orgNameEn: 'Montevideo Grid Management Command Centre',
}

export interface DemoGridStats {
  blocks: number
  cityBlocks: number
  openWaterKm2: number
  /** Addresses left outside the city: on the open-water block or on detached islets and piers. */
  addressesOutside: number
  timingsMs: Record<'polygonize' | 'locate' | 'group' | 'assemble', number>
}

// Not built yet, so they bound nothing.
const SKIPPED_HIGHWAYS = new Set(['proposed'])
/** Streets people give as an address; a cycleway's or a service road's name would puzzle them as an area's. */
const NAMING_HIGHWAYS: ReadonlySet<string> = new Set([...DRIVABLE_CLASSES.filter((c) => c !== 'service'), 'pedestrian'])

/** Prominence of OSM place kinds for naming; kinds not listed (state, islet...) never name an area. */
const PLACE_RANK: Readonly<Record<string, number>> = {
  city: 1, town: 1, suburb: 1, quarter: 2, neighbourhood: 3, village: 3, hamlet: 4, locality: 4, square: 5,
}

/** The demo city's streets, communities and unit grids, tiling the city's land with no gaps or overlaps. */
export async function buildDemoGrids(layers: CityLayers, opts: DemoGridOptions = {}): Promise<AdminArea[]> {
  return (await gridDemoCity(layers, opts)).areas
}

/** As buildDemoGrids, plus what was left out of the city and how long each stage took. */
export async function gridDemoCity(
  layers: CityLayers,
  opts: DemoGridOptions = {},
): Promise<{ areas: AdminArea[]; stats: DemoGridStats }> {
  const [minLon, minLat, maxLon, maxLat] = opts.bbox ?? MONTEVIDEO_BBOX
  const frame = { minLon, minLat, maxLon, maxLat }
  const city = opts.city ?? DEMO_CITY
  const lines: Position[][] = []
  const lineNames: (string | undefined)[] = []
  const addLines = (parts: Position[][], name: string | undefined) => {
    for (const part of parts) {
      lines.push(part)
      lineNames.push(name)
    }
  }
  for (const road of layers.roads.features) {
    if (SKIPPED_HIGHWAYS.has(road.properties.highway)) continue
    const g = road.geometry
    const name = NAMING_HIGHWAYS.has(road.properties.highway) ? road.properties.name : undefined
    addLines(g.type === 'LineString' ? [g.coordinates] : g.coordinates, name)
  }
  // Water splits land from water: rivers and streams as lines, lakes and riverbanks by their outlines.
  for (const water of layers.water.features) {
    const g = water.geometry
    const parts =
      g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates.flat() : g.coordinates
    addLines(parts, water.properties.name)
  }

  let t = performance.now()
  const lap = () => {
    const ms = performance.now() - t
    t = performance.now()
    return Math.round(ms)
  }
  const partition = polygonizeBlocks(nodeLines(lines, frame))
  const polygonize = lap()
  const at = locateInBlocks(partition, layers.addresses.features.map((a) => a.geometry.coordinates))
  const households = new Int32Array(partition.blocks.length)
  for (const b of at) if (b >= 0) households[b]++
  const locate = lap()
  const selection = selectCityBlocks(partition, households, frame, opts.citySelection ?? DEFAULT_CITY_SELECTION)
  const hierarchy = buildHierarchy(partition, selection.blocks, households, opts.rules ?? DEFAULT_HIERARCHY_RULES)
  const group = lap()

  const places: NamedPlace[] = layers.places.features.flatMap((f) => {
    const rank = PLACE_RANK[f.properties.place]
    return rank === undefined || f.properties.name === city.nameEn
      ? []
      : [{ coordinates: f.geometry.coordinates, name: f.properties.name, rank }]
  })
  const areas = buildAdminAreas({
    partition,
    hierarchy,
    households,
    city,
    lineNames,
    places,
    personsPerHousehold: opts.personsPerHousehold ?? 2.5,
  })
  const assemble = lap()

  const inCity = selection.blocks.reduce((s, b) => s + households[b], 0)
  return {
    areas,
    stats: {
      blocks: partition.blocks.length,
      cityBlocks: selection.blocks.length,
      openWaterKm2: selection.openWater.reduce((s, b) => s + partition.blocks[b].areaM2, 0) / 1e6,
      addressesOutside: layers.addresses.features.length - inCity,
      timingsMs: { polygonize, locate, group, assemble },
    },
  }
}
