import { booleanClockwise } from '@turf/turf'
import { beforeAll, describe, expect, it } from 'vitest'
import type { LineString, Polygon } from 'geojson'
import { buildRoadGraph, roadGraphStats, type RoadGraph } from '../../geo/road-graph/build-road-graph.ts'
import { classifyCityLayers, MONTEVIDEO_BBOX, type CityLayers } from './city-layers.ts'
import { readOsmTiles, tileBbox, type OsmFeature } from './read-osm-tiles.ts'

let features: OsmFeature[]
let city: CityLayers
let graph: RoadGraph

beforeAll(async () => {
  features = await readOsmTiles()
  city = classifyCityLayers(features)
  graph = buildRoadGraph(city.roads.features)
})

function way(id: number): OsmFeature[] {
  return features.filter((f) => f.properties['@type'] === 'way' && f.properties['@id'] === id)
}

describe('readOsmTiles on the Montevideo OSM QA tiles', () => {
  // Avenida Luis Batlle Berres crosses the edge between tiles 12/1407/2471 and 12/1408/2471.
  it('re-joins a way cut at a tile edge into one LineString', () => {
    const [edgeLon] = tileBbox({ z: 12, x: 1408, y: 2471 })
    const found = way(164078629)
    expect(found).toHaveLength(1)
    const { properties, geometry } = found[0]
    expect(properties.name).toBe('Avenida Luis Batlle Berres')
    expect(geometry.type).toBe('LineString')
    const lons = (geometry as LineString).coordinates.map(([lon]) => lon)
    expect(Math.min(...lons)).toBeLessThan(edgeLon)
    expect(Math.max(...lons)).toBeGreaterThan(edgeLon)
    expect(lons.filter((lon) => lon === edgeLon)).toHaveLength(1)
  })

  it('unions a polygon cut at a tile edge into one Polygon', () => {
    const found = way(409377684)
    expect(found).toHaveLength(1)
    expect(found[0].properties.name).toBe('Parque Punta Yeguas')
    expect(found[0].geometry.type).toBe('Polygon')
    const rings = (found[0].geometry as Polygon).coordinates
    expect(rings).toHaveLength(1)
    expect(booleanClockwise(rings[0])).toBe(false)
  })

  it('returns every OSM object once', () => {
    const keys = new Set(features.map((f) => `${f.properties['@type']}/${f.properties['@id']}`))
    expect(keys.size).toBe(features.length)
    expect(features.some((f) => f.geometry.type === 'MultiLineString')).toBe(false)
  })

  it('drops contributor identities', () => {
    expect(features.some((f) => '@user' in f.properties || '@uid' in f.properties)).toBe(false)
  })

  it('keeps coordinates inside the tiles, at 7 decimals', () => {
    const [w, s, e, n] = MONTEVIDEO_BBOX
    const outside = city.roads.features
      .flatMap(({ geometry }) => (geometry.type === 'LineString' ? geometry.coordinates : geometry.coordinates.flat()))
      .filter(([lon, lat]) => !(lon >= w && lon <= e && lat >= s && lat <= n) || Math.round(lon * 1e7) / 1e7 !== lon)
    expect(outside).toEqual([])
  })
})

describe('Montevideo city layers', () => {
  it('finds the police stations', () => {
    const police = city.pois.features.filter((f) => f.properties.kind === 'police')
    expect(police.length).toBeGreaterThanOrEqual(30)
    expect(police.length).toBeLessThanOrEqual(40)
    expect(police.every((f) => f.geometry.type === 'Point' && typeof f.properties['@id'] === 'number')).toBe(true)
  })

  it('has address points carrying only a house number', () => {
    expect(city.addresses.features.length).toBeGreaterThan(200_000)
    const [first] = city.addresses.features
    expect(Object.keys(first.properties)).toEqual(['housenumber'])
  })

  it('fills every layer', () => {
    for (const layer of Object.values(city)) expect(layer.features.length).toBeGreaterThan(0)
  })
})

describe('Montevideo road graph', () => {
  it('is the size of the city: about 29,000 edges and 3,100 km', () => {
    const stats = roadGraphStats(graph)
    expect(stats.edges).toBeGreaterThan(29_000 * 0.9)
    expect(stats.edges).toBeLessThan(29_000 * 1.1)
    expect(stats.km).toBeGreaterThan(3_100 * 0.9)
    expect(stats.km).toBeLessThan(3_100 * 1.1)
  })

  it('has positive length and cost on every edge', () => {
    expect(graph.edges.every((e) => e.lengthM > 0 && e.costS > 0)).toBe(true)
    expect(graph.edges.every((e) => e.reverseCostS === -1 || e.reverseCostS === e.costS)).toBe(true)
  })
})
