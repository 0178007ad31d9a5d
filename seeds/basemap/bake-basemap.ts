import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { bbox as turfBbox } from '@turf/turf'
import { GeoJSONVT, type GeoJSONVTFeature, type GeoJSONVTTile } from '@maplibre/geojson-vt'
import { fromGeojsonVt } from '@maplibre/vt-pbf'
import type { BBox, FeatureCollection } from 'geojson'
import type { CityLayers } from '../osm/city-layers.ts'
import { basemapFeatures, type BasemapFeature, type BasemapLayers, type SourceLayerName } from './basemap-features.ts'

export const BASEMAP_ATTRIBUTION = '© OpenStreetMap contributors (2017 snapshot)'

export interface BakeOptions {
  /** z10 shows the whole city on a wall; below it the city is a few pixels. */
  minzoom?: number
  /** Past z16 MapLibre overzooms; more zooms would only multiply files. */
  maxzoom?: number
}

export interface BakeResult {
  tiles: number
  bytes: number
  bounds: BBox
}

const EXTENT = 4096
// Enough for wide road casings and labels not to be cut at tile edges.
const BUFFER = 64
// geojson-vt's own (tile units); also drops polygons smaller than it squared, i.e. sub-pixel specks.
const TOLERANCE = 3
const MIN_ZOOM_TAG = '_minzoom'
const LABEL_ZOOM_TAG = '_labelzoom'

/**
 * Pre-bakes the city into `{outDir}/{z}/{x}/{y}.pbf` plus `{outDir}/tiles.json`. Empty tiles are not written.
 * The new bake is built beside `outDir` and swapped in, so a running server never serves a half-written set.
 */
export function bakeBasemap(city: CityLayers, outDir: string, opts: BakeOptions = {}): BakeResult {
  const { minzoom = 10, maxzoom = 16 } = opts
  const layers = basemapFeatures(city)
  const bounds = boundsOf(layers)
  const indexes = Object.entries(layers).map(([name, features]) => ({
    name,
    index: new GeoJSONVT(toCollection(features), { maxZoom: maxzoom, extent: EXTENT, buffer: BUFFER, tolerance: TOLERANCE }),
  }))

  const staging = `${outDir}.baking-${process.pid}`
  rmSync(staging, { recursive: true, force: true })
  let tiles = 0
  let bytes = 0
  for (let z = minzoom; z <= maxzoom; z++) {
    const [xMin, yMin, xMax, yMax] = tileRange(bounds, z)
    for (let x = xMin; x <= xMax; x++) {
      mkdirSync(join(staging, String(z), String(x)), { recursive: true })
      for (let y = yMin; y <= yMax; y++) {
        const tileLayers: Record<string, GeoJSONVTTile> = {}
        for (const { name, index } of indexes) {
          const tile = index.getTile(z, x, y)
          const features = tile ? visibleAt(tile.features, z) : []
          if (features.length) tileLayers[name] = { ...tile!, features }
        }
        if (Object.keys(tileLayers).length === 0) continue
        const pbf = fromGeojsonVt(tileLayers, { version: 2, extent: EXTENT })
        writeFileSync(join(staging, String(z), String(x), `${y}.pbf`), pbf)
        tiles++
        bytes += pbf.byteLength
      }
    }
  }
  writeFileSync(join(staging, 'tiles.json'), JSON.stringify(tileJson(layers, bounds, minzoom, maxzoom), null, 2))
  rmSync(outDir, { recursive: true, force: true })
  renameSync(staging, outDir)
  return { tiles, bytes, bounds }
}

function toCollection(features: BasemapFeature[]): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: features.map((f) => ({
      type: 'Feature',
      geometry: f.geometry,
      properties: { ...f.properties, [MIN_ZOOM_TAG]: f.minzoom, [LABEL_ZOOM_TAG]: f.labelzoom ?? 0 },
    })),
  }
}

/** The features drawn at zoom z, without the bake's own bookkeeping tags or names not yet labelled. */
function visibleAt(features: GeoJSONVTFeature[], z: number): GeoJSONVTFeature[] {
  const out: GeoJSONVTFeature[] = []
  for (const f of features) {
    const { [MIN_ZOOM_TAG]: minzoom, [LABEL_ZOOM_TAG]: labelzoom, ...tags } = f.tags ?? {}
    if ((minzoom as number) > z) continue
    if ((labelzoom as number) > z) delete tags.name
    out.push({ ...f, tags })
  }
  return out
}

function boundsOf(layers: BasemapLayers): BBox {
  const all = Object.values(layers).flat()
  return turfBbox({ type: 'GeometryCollection', geometries: all.map((f) => f.geometry) }) as BBox
}

/** Inclusive [xMin, yMin, xMax, yMax] of the web-mercator tiles covering `bounds` at zoom z. */
export function tileRange([west, south, east, north]: BBox, z: number): [number, number, number, number] {
  const n = 2 ** z
  const x = (lon: number) => Math.min(n - 1, Math.floor(((lon + 180) / 360) * n))
  const y = (lat: number) => {
    const r = (lat * Math.PI) / 180
    return Math.min(n - 1, Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n))
  }
  return [x(west), y(north), x(east), y(south)]
}

const FIELD_DOCS: Record<string, string> = {
  class: 'String: what kind of feature, the style colours and sizes by it',
  name: 'String: the local (OSM) name, present from the zoom it is labelled at',
}

function tileJson(layers: BasemapLayers, bounds: BBox, minzoom: number, maxzoom: number): object {
  const round = (v: number) => Math.round(v * 1e6) / 1e6
  return {
    tilejson: '3.0.0',
    name: 'gridwatch basemap',
    attribution: BASEMAP_ATTRIBUTION,
    scheme: 'xyz',
    format: 'pbf',
    // Relative: the server rewrites it to an absolute URL for whoever asks.
    tiles: ['/basemap/{z}/{x}/{y}.pbf'],
    minzoom,
    maxzoom,
    bounds: bounds.map(round),
    center: [round((bounds[0] + bounds[2]) / 2), round((bounds[1] + bounds[3]) / 2), Math.min(maxzoom, minzoom + 2)],
    vector_layers: (Object.keys(layers) as SourceLayerName[]).map((id) => {
      const keys = new Set(layers[id].flatMap((f) => Object.keys(f.properties)))
      return {
        id,
        fields: Object.fromEntries([...keys].sort().map((k) => [k, FIELD_DOCS[k] ?? 'String'])),
        minzoom: Math.min(maxzoom, ...layers[id].map((f) => f.minzoom)),
        maxzoom,
      }
    }),
  }
}
