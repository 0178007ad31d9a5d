import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { VectorTile } from '@mapbox/vector-tile'
import { PbfReader } from 'pbf'
import type { Feature, FeatureCollection, Geometry } from 'geojson'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CityLayers } from '../osm/city-layers.ts'
import { BASEMAP_ATTRIBUTION, bakeBasemap, tileRange, type BakeResult } from './bake-basemap.ts'

// A few blocks of Ciudad Vieja inside z15 tile 11267/19778, plus one place label ~5 km away so the bounds hold
// tiles with nothing in them.
const ROAD = [[-56.2160, -34.9100], [-56.2080, -34.9090]]
const SQUARE = (w: number, s: number, d: number) => [[[w, s], [w + d, s], [w + d, s + d], [w, s + d], [w, s]]]
const FAR_PLACE = [-56.1650, -34.8800]

function collection<G extends Geometry, P>(features: [G, P][]): FeatureCollection<G, P> {
  return { type: 'FeatureCollection', features: features.map(([geometry, properties]): Feature<G, P> => ({ type: 'Feature', geometry, properties })) }
}

const city: CityLayers = {
  roads: collection([
    [{ type: 'LineString', coordinates: ROAD }, { '@id': 1, highway: 'primary', name: 'Avenida 18 de Julio', maxspeed: '45', oneway: 'yes' }],
    [{ type: 'LineString', coordinates: [[-56.2120, -34.9120], [-56.2120, -34.9060]] }, { '@id': 2, highway: 'residential', name: 'Ituzaingó' }],
    [{ type: 'LineString', coordinates: [[-56.2100, -34.9120], [-56.2100, -34.9060]] }, { '@id': 3, highway: 'proposed' }],
  ]),
  water: collection([[{ type: 'Polygon', coordinates: SQUARE(-56.2165, -34.9125, 0.003) }, { '@id': 4, kind: 'water', name: 'Laguna' }]]),
  landuse: collection([[{ type: 'Polygon', coordinates: SQUARE(-56.2100, -34.9125, 0.0025) }, { '@id': 5, kind: 'park', name: 'Plaza' }]]),
  buildings: collection([[{ type: 'Polygon', coordinates: SQUARE(-56.2110, -34.9080, 0.0004) }, { '@id': 6, building: 'yes', levels: 3 }]]),
  places: collection([
    [{ type: 'Point', coordinates: [-56.2140, -34.9060] }, { '@id': 7, place: 'neighbourhood', name: 'Ciudad Vieja' }],
    [{ type: 'Point', coordinates: FAR_PLACE }, { '@id': 8, place: 'suburb', name: 'La Blanqueada' }],
  ]),
  pois: collection([
    [{ type: 'Point', coordinates: [-56.2090, -34.9070] }, { '@id': 9, '@type': 'node', kind: 'police', subtype: 'police', name: 'Seccional 1a.' }],
  ]),
  addresses: collection([[{ type: 'Point', coordinates: [-56.2091, -34.9071] }, { housenumber: '1234' }]]),
}

const MINZOOM = 12
const MAXZOOM = 15

function tileAt([lon, lat]: number[], z: number): { x: number; y: number } {
  const [x, y] = tileRange([lon, lat, lon, lat], z)
  return { x, y }
}

describe('bakeBasemap', () => {
  let dir: string
  let out: string
  let result: BakeResult
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gw-bake-'))
    out = join(dir, 'basemap')
    result = bakeBasemap(city, out, { minzoom: MINZOOM, maxzoom: MAXZOOM })
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  function decode(z: number, lonLat: number[]): VectorTile {
    const { x, y } = tileAt(lonLat, z)
    return new VectorTile(new PbfReader(readFileSync(join(out, String(z), String(x), `${y}.pbf`))))
  }

  function properties(tile: VectorTile, layer: string): Record<string, unknown>[] {
    const l = tile.layers[layer]
    return l ? Array.from({ length: l.length }, (_, i) => l.feature(i).properties) : []
  }

  it('writes a tile at every zoom where the features are', () => {
    for (let z = MINZOOM; z <= MAXZOOM; z++) {
      const { x, y } = tileAt(ROAD[0], z)
      expect(existsSync(join(out, String(z), String(x), `${y}.pbf`)), `z${z}`).toBe(true)
    }
    expect(readdirSync(out).filter((f) => /^\d+$/.test(f)).map(Number).sort((a, b) => a - b)).toEqual([12, 13, 14, 15])
  })

  it('skips empty tiles', () => {
    const [xMin, yMin, xMax, yMax] = tileRange(result.bounds, MAXZOOM)
    const inRange = (xMax - xMin + 1) * (yMax - yMin + 1)
    const written = readdirSync(join(out, String(MAXZOOM)), { recursive: true }).filter((f) => String(f).endsWith('.pbf'))
    expect(written.length).toBeGreaterThan(1)
    expect(written.length).toBeLessThan(inRange)
    expect(result.tiles).toBe(readdirSync(out, { recursive: true }).filter((f) => String(f).endsWith('.pbf')).length)
  })

  it('keeps only the properties the style reads', () => {
    const tile = decode(MAXZOOM, ROAD[0])
    expect(Object.keys(tile.layers).sort()).toEqual(['buildings', 'landuse', 'places', 'pois', 'roads', 'water'])
    expect(properties(tile, 'roads')).toEqual(
      expect.arrayContaining([
        { class: 'primary', name: 'Avenida 18 de Julio' },
        { class: 'minor', name: 'Ituzaingó' },
      ]),
    )
    expect(properties(tile, 'roads')).toHaveLength(2)
    expect(properties(tile, 'buildings')).toEqual([{}])
    expect(properties(tile, 'water')).toEqual([{}])
    expect(properties(tile, 'landuse')).toEqual([{ class: 'park' }])
    expect(properties(tile, 'places')).toEqual([{ class: 'neighbourhood', name: 'Ciudad Vieja' }])
    expect(properties(tile, 'pois')).toEqual([{ class: 'police', name: 'Seccional 1a.' }])
  })

  it('thins low zooms: minor roads, buildings and not-yet-labelled names are left out', () => {
    const tile = decode(MINZOOM, ROAD[0])
    expect(properties(tile, 'roads')).toEqual([{ class: 'primary' }])
    expect(tile.layers.buildings).toBeUndefined()
    expect(tile.layers.pois).toBeUndefined()
    expect(properties(decode(13, ROAD[0]), 'roads')).toEqual(
      expect.arrayContaining([{ class: 'primary', name: 'Avenida 18 de Julio' }, { class: 'minor' }]),
    )
  })

  it('describes the set in tiles.json', () => {
    const tj = JSON.parse(readFileSync(join(out, 'tiles.json'), 'utf8'))
    expect(tj).toMatchObject({ tilejson: '3.0.0', minzoom: MINZOOM, maxzoom: MAXZOOM, attribution: BASEMAP_ATTRIBUTION })
    const [w, s, e, n] = tj.bounds
    expect(w).toBeCloseTo(-56.2165, 6)
    expect(s).toBeCloseTo(-34.9125, 6)
    expect(e).toBeCloseTo(FAR_PLACE[0], 6)
    expect(n).toBeCloseTo(FAR_PLACE[1], 6)
    expect(tj.vector_layers.map((l: { id: string }) => l.id).sort()).toEqual(['buildings', 'landuse', 'places', 'pois', 'roads', 'water'])
    expect(tj.vector_layers.find((l: { id: string }) => l.id === 'buildings').minzoom).toBe(14)
    expect(Object.keys(tj.vector_layers.find((l: { id: string }) => l.id === 'roads').fields)).toEqual(['class', 'name'])
  })

  it('replaces an earlier bake instead of mixing with it', () => {
    const smaller: CityLayers = { ...city, places: collection([]) }
    bakeBasemap(smaller, out, { minzoom: MINZOOM, maxzoom: MAXZOOM })
    const { x, y } = tileAt(FAR_PLACE, MAXZOOM)
    expect(existsSync(join(out, String(MAXZOOM), String(x), `${y}.pbf`))).toBe(false)
    expect(readdirSync(dir)).toEqual(['basemap'])
  })
})
