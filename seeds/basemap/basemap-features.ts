import { area } from '@turf/turf'
import type { Feature, Geometry } from 'geojson'
import type { CityLayers, PoiKind } from '../osm/city-layers.ts'

/** The city as the basemap draws it, before tiling. */
export type BasemapLayers = Record<SourceLayerName, BasemapFeature[]>

export type SourceLayerName = 'water' | 'landuse' | 'buildings' | 'roads' | 'places' | 'pois'

export interface BasemapFeature {
  geometry: Geometry
  /** Only what the style reads: every other tag would be bytes on every tile request. */
  properties: Record<string, string>
  /** First zoom the feature appears at, so low zooms carry only what is drawn there. */
  minzoom: number
  /** First zoom its `name` is labelled at; below that the name is dropped from the tile. */
  labelzoom?: number
}

/** Buildings only pay off where they are big enough to read as shapes. */
const BUILDINGS_MINZOOM = 14

interface RoadClass {
  class: string
  minzoom: number
  labelzoom: number
}

const ROAD_CLASSES = byMember<RoadClass>([
  [['motorway', 'motorway_link'], { class: 'motorway', minzoom: 10, labelzoom: 13 }],
  [['trunk', 'trunk_link'], { class: 'trunk', minzoom: 10, labelzoom: 13 }],
  [['primary', 'primary_link'], { class: 'primary', minzoom: 10, labelzoom: 13 }],
  [['secondary', 'secondary_link'], { class: 'secondary', minzoom: 11, labelzoom: 14 }],
  [['tertiary', 'tertiary_link'], { class: 'tertiary', minzoom: 12, labelzoom: 15 }],
  [['residential', 'unclassified', 'living_street', 'road'], { class: 'minor', minzoom: 13, labelzoom: 15 }],
  [['service'], { class: 'service', minzoom: 14, labelzoom: 16 }],
  [['pedestrian', 'footway', 'path', 'steps', 'cycleway', 'track', 'bridleway'], { class: 'path', minzoom: 15, labelzoom: 16 }],
])
/** Draw order inside a layer: later features are drawn on top, so major roads win at junctions. */
const ROAD_ORDER = ['path', 'service', 'minor', 'tertiary', 'secondary', 'primary', 'trunk', 'motorway']

const WATER_LINES: Record<string, { class: string; minzoom: number }> = {
  river: { class: 'river', minzoom: 11 },
  canal: { class: 'canal', minzoom: 12 },
  stream: { class: 'stream', minzoom: 13 },
  drain: { class: 'stream', minzoom: 14 },
  ditch: { class: 'stream', minzoom: 14 },
}

const LANDUSE_CLASSES = byMember<string>([
  [['park', 'garden', 'recreation_ground', 'playground', 'golf_course', 'nature_reserve', 'village_green'], 'park'],
  [['grass', 'meadow', 'grassland', 'greenfield', 'allotments', 'farmland', 'orchard', 'plant_nursery'], 'grass'],
  [['forest', 'wood', 'scrub', 'heath', 'wetland'], 'wood'],
  [['sand', 'beach', 'bare_rock'], 'sand'],
  [['pitch', 'stadium', 'sports_centre'], 'pitch'],
  [['cemetery', 'churchyard'], 'cemetery'],
  [['industrial', 'railway', 'garages', 'landfill', 'brownfield', 'construction', 'port', 'quarry'], 'industrial'],
  [['commercial', 'retail'], 'commercial'],
  [['military'], 'military'],
  [['residential'], 'residential'],
])

const PLACE_MINZOOM: Record<string, number> = {
  city: 10,
  town: 10,
  suburb: 11,
  village: 12,
  quarter: 13,
  neighbourhood: 13,
  hamlet: 14,
  locality: 15,
  island: 13,
  islet: 15,
}

/** Police, hospitals and stations matter to the command centre before the rest. */
const POI_MINZOOM: Record<PoiKind, number> = {
  police: 13,
  health: 13,
  transit_station: 14,
  university: 14,
  school: 15,
  market: 15,
  fuel: 15,
  nightlife: 15,
}

export function basemapFeatures(city: CityLayers): BasemapLayers {
  return {
    water: city.water.features.flatMap(water),
    landuse: city.landuse.features.flatMap(landuse),
    buildings: city.buildings.features.map((f) => ({ geometry: f.geometry, properties: {}, minzoom: BUILDINGS_MINZOOM })),
    roads: city.roads.features.flatMap(road).sort((a, b) => ROAD_ORDER.indexOf(a.properties.class) - ROAD_ORDER.indexOf(b.properties.class)),
    places: city.places.features.flatMap(place),
    pois: city.pois.features.map((f) => ({
      geometry: f.geometry,
      properties: named({ class: f.properties.kind }, f.properties.name),
      minzoom: POI_MINZOOM[f.properties.kind],
      labelzoom: 15,
    })),
  }
}

function road(f: CityLayers['roads']['features'][number]): BasemapFeature[] {
  const cls = ROAD_CLASSES[f.properties.highway]
  if (!cls) return []
  const properties = named({ class: cls.class }, f.properties.name)
  return [{ geometry: f.geometry, properties, minzoom: cls.minzoom, labelzoom: cls.labelzoom }]
}

function water(f: CityLayers['water']['features'][number]): BasemapFeature[] {
  const { kind, name } = f.properties
  if (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon') {
    return [{ geometry: f.geometry, properties: {}, minzoom: areaMinzoom(f) }]
  }
  const line = WATER_LINES[kind]
  if (!line) return []
  return [{ geometry: f.geometry, properties: named({ class: line.class }, name), minzoom: line.minzoom, labelzoom: 14 }]
}

function landuse(f: CityLayers['landuse']['features'][number]): BasemapFeature[] {
  const cls = LANDUSE_CLASSES[f.properties.kind]
  if (!cls) return []
  return [{ geometry: f.geometry, properties: { class: cls }, minzoom: areaMinzoom(f) }]
}

function place(f: CityLayers['places']['features'][number]): BasemapFeature[] {
  const minzoom = PLACE_MINZOOM[f.properties.place]
  if (minzoom === undefined) return []
  return [{ geometry: f.geometry, properties: { class: f.properties.place, name: f.properties.name }, minzoom }]
}

/** Areas that would be a few pixels wide at low zoom are noise there. */
function areaMinzoom(f: Feature): number {
  const m2 = area(f)
  return m2 > 500_000 ? 10 : m2 > 50_000 ? 12 : m2 > 5_000 ? 13 : 14
}

function named(properties: Record<string, string>, name: string | undefined): Record<string, string> {
  return name ? { ...properties, name } : properties
}

function byMember<T>(groups: [members: string[], value: T][]): Record<string, T> {
  return Object.fromEntries(groups.flatMap(([members, value]) => members.map((m) => [m, value])))
}
