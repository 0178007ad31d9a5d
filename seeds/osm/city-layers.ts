import { pointOnFeature } from '@turf/turf'
import type {
  BBox,
  Feature,
  FeatureCollection,
  Geometry,
  LineString,
  MultiLineString,
  MultiPolygon,
  Point,
  Polygon,
} from 'geojson'
import type { RoadTags } from '../../geo/road-graph/road-classes.ts'
import { MONTEVIDEO_TILES, readOsmTiles, tileBbox, type OsmFeature, type OsmTags } from './read-osm-tiles.ts'

type Lines = LineString | MultiLineString
type Areas = Polygon | MultiPolygon

/** `@id` is null only for features that came without one (none in the Montevideo tiles). */
interface OsmRef {
  '@id': number | null
}

export type RoadProperties = RoadTags & OsmRef

export interface WaterProperties extends OsmRef {
  /** The tag value: river, stream, canal, water, reservoir, coastline... */
  kind: string
  name?: string
}

export interface LanduseProperties extends OsmRef {
  /** The landuse, leisure or natural value: residential, park, grass, wood... */
  kind: string
  name?: string
}

export interface BuildingProperties extends OsmRef {
  building: string
  name?: string
  levels?: number
}

export interface PlaceProperties extends OsmRef {
  place: string
  name: string
}

export type PoiKind = 'police' | 'health' | 'school' | 'university' | 'market' | 'transit_station' | 'fuel' | 'nightlife'

export interface PoiProperties extends OsmRef {
  '@type': string
  kind: PoiKind
  /** The OSM value that made it this kind: hospital, clinic, supermarket, bus_station... */
  subtype: string
  name?: string
}

export interface AddressProperties {
  housenumber: string
}

export interface CityLayers {
  roads: FeatureCollection<Lines, RoadProperties>
  water: FeatureCollection<Lines | Areas, WaterProperties>
  landuse: FeatureCollection<Areas, LanduseProperties>
  buildings: FeatureCollection<Areas, BuildingProperties>
  places: FeatureCollection<Point, PlaceProperties>
  pois: FeatureCollection<Point, PoiProperties>
  /** Address points: the household proxy for grid sizing. */
  addresses: FeatureCollection<Point, AddressProperties>
}

/** [west, south, east, north] of the tiles the demo city is cut from. */
export const MONTEVIDEO_BBOX: BBox = MONTEVIDEO_TILES.map(tileBbox).reduce((a, b) => [
  Math.min(a[0], b[0]),
  Math.min(a[1], b[1]),
  Math.max(a[2], b[2]),
  Math.max(a[3], b[3]),
])

let reading: Promise<CityLayers> | undefined
let lastRead: WeakRef<CityLayers> | undefined

/**
 * The extract, read once for callers that overlap or follow while one of them still holds it (seeding, then
 * baking the basemap), but not held for the life of the process: a server that seeded its city would otherwise
 * keep some hundred megabytes of features that every major garbage collection has to mark again.
 */
export function loadMontevideo(): Promise<CityLayers> {
  const held = lastRead?.deref()
  if (held) return Promise.resolve(held)
  reading ??= readOsmTiles()
    .then(classifyCityLayers)
    .then((city) => {
      lastRead = new WeakRef(city)
      return city
    })
    .finally(() => {
      reading = undefined
    })
  return reading
}

const WATER: Record<string, ReadonlySet<string>> = {
  waterway: new Set(['river', 'stream', 'canal', 'drain', 'ditch', 'riverbank']),
  natural: new Set(['water', 'coastline', 'bay']),
  landuse: new Set(['reservoir', 'basin']),
}

const GREEN_AND_OPEN: Record<string, ReadonlySet<string>> = {
  leisure: new Set(['park', 'garden', 'golf_course', 'nature_reserve', 'recreation_ground', 'pitch', 'playground']),
  natural: new Set(['wood', 'grassland', 'scrub', 'heath', 'wetland', 'sand', 'beach', 'bare_rock']),
}

/** First match wins, so a feature is one POI. */
const POI_RULES: readonly { kind: PoiKind; key: string; values: ReadonlySet<string> }[] = [
  { kind: 'police', key: 'amenity', values: new Set(['police']) },
  { kind: 'health', key: 'amenity', values: new Set(['hospital', 'clinic']) },
  { kind: 'school', key: 'amenity', values: new Set(['school']) },
  { kind: 'university', key: 'amenity', values: new Set(['university', 'college']) },
  { kind: 'market', key: 'amenity', values: new Set(['marketplace']) },
  { kind: 'market', key: 'shop', values: new Set(['supermarket', 'mall']) },
  { kind: 'transit_station', key: 'amenity', values: new Set(['bus_station', 'ferry_terminal']) },
  { kind: 'transit_station', key: 'public_transport', values: new Set(['station']) },
  { kind: 'transit_station', key: 'railway', values: new Set(['station', 'halt']) },
  { kind: 'fuel', key: 'amenity', values: new Set(['fuel']) },
  { kind: 'nightlife', key: 'amenity', values: new Set(['bar', 'pub', 'nightclub']) },
]

export function classifyCityLayers(features: readonly OsmFeature[]): CityLayers {
  const city: CityLayers = {
    roads: collection(),
    water: collection(),
    landuse: collection(),
    buildings: collection(),
    places: collection(),
    pois: collection(),
    addresses: collection(),
  }
  for (const feature of features) {
    const { geometry, properties: tags } = feature
    const ref: OsmRef = { '@id': typeof tags['@id'] === 'number' ? tags['@id'] : null }
    const name = text(tags, 'name')
    const lines = geometry.type === 'LineString' || geometry.type === 'MultiLineString' ? geometry : null
    const areas = geometry.type === 'Polygon' || geometry.type === 'MultiPolygon' ? geometry : null

    const highway = text(tags, 'highway')
    if (lines && highway) {
      const optional = defined({ name, ...pick(tags, ['oneway', 'junction', 'maxspeed']) })
      city.roads.features.push(toFeature({ ...ref, highway, ...optional }, lines))
    }

    const water = firstMatch(tags, WATER)
    const waterGeometry = lines ?? areas
    if (water && waterGeometry) {
      city.water.features.push(toFeature({ ...ref, kind: water, ...defined({ name }) }, waterGeometry))
    }

    const landuse = text(tags, 'landuse')
    const open = landuse && !WATER.landuse.has(landuse) ? landuse : firstMatch(tags, GREEN_AND_OPEN)
    if (open && areas) city.landuse.features.push(toFeature({ ...ref, kind: open, ...defined({ name }) }, areas))

    const building = text(tags, 'building')
    if (building && building !== 'no' && areas) {
      const levels = Number.parseInt(text(tags, 'building:levels') ?? '', 10)
      const optional = defined({ name, levels: Number.isFinite(levels) ? levels : undefined })
      city.buildings.features.push(toFeature({ ...ref, building, ...optional }, areas))
    }

    const place = text(tags, 'place')
    if (place && name) city.places.features.push(atPoint(feature, { ...ref, place, name }))

    const poi = POI_RULES.find((rule) => rule.values.has(text(tags, rule.key) ?? ''))
    if (poi) {
      const subtype = text(tags, poi.key)!
      const properties = { ...ref, '@type': String(tags['@type']), kind: poi.kind, subtype, ...defined({ name }) }
      city.pois.features.push(atPoint(feature, properties))
    }

    const housenumber = text(tags, 'addr:housenumber')
    // Only address nodes: the addressed areas here are mostly schools, shops and offices, not homes.
    if (housenumber && geometry.type === 'Point') city.addresses.features.push(toFeature({ housenumber }, geometry))
  }
  return city
}

function collection<G extends Geometry, P>(): FeatureCollection<G, P> {
  return { type: 'FeatureCollection', features: [] }
}

function toFeature<G extends Geometry, P>(properties: P, geometry: G): Feature<G, P> {
  return { type: 'Feature', properties, geometry }
}

function text(tags: OsmTags, key: string): string | undefined {
  const value = tags[key]
  return value === undefined ? undefined : String(value)
}

function pick<K extends string>(tags: OsmTags, keys: readonly K[]): Partial<Record<K, string>> {
  return Object.fromEntries(keys.map((k) => [k, text(tags, k)])) as Partial<Record<K, string>>
}

function firstMatch(tags: OsmTags, table: Record<string, ReadonlySet<string>>): string | undefined {
  for (const [key, values] of Object.entries(table)) {
    const value = text(tags, key)
    if (value && values.has(value)) return value
  }
  return undefined
}

/** Drops undefined values so optional properties are absent rather than present-and-undefined. */
function defined<T extends object>(values: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>
  }
}

/** Areas and lines are represented by a point guaranteed to lie on them. */
function atPoint<P>(feature: OsmFeature, properties: P): Feature<Point, P> {
  if (feature.geometry.type === 'Point') return toFeature(properties, feature.geometry)
  const [lon, lat] = pointOnFeature(feature).geometry.coordinates
  return toFeature(properties, { type: 'Point', coordinates: [round7(lon), round7(lat)] })
}

function round7(v: number): number {
  return Math.round(v * 1e7) / 1e7
}
