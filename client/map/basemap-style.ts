import type { ExpressionSpecification, LayerSpecification, StyleSpecification } from 'maplibre-gl'
import type { Lang } from '../i18n.ts'

export type Theme = 'dark' | 'light'

export interface BasemapStyleOptions {
  theme: Theme
  lang: Lang
  /** Where the server is, e.g. `location.origin`: MapLibre needs absolute URLs. */
  origin: string
}

const BASEMAP_SOURCE = 'basemap'

/*
 * No `glyphs` URL on purpose: without one MapLibre (>= 5.11) rasterises every label itself with TinySDF from
 * the fonts the browser already has, so labels need no glyph server and nothing leaves the machine. `text-font`
 * is then a CSS font-family list. The CJK face goes first for Chinese so Han characters in grid names take
 * the Simplified forms; the Latin faces lead for English. `sans-serif` always ends the list (MapLibre appends it).
 */
const FONTS: Record<Lang, string[]> = {
  zh: ['Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', 'Noto Sans', 'Liberation Sans', 'Arial'],
  en: ['Noto Sans', 'Liberation Sans', 'Arial', 'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei'],
}

/**
 * MapLibre takes the weight from the first family's name, so bold is asked for with a "… Bold" family that no
 * font is called; the browser skips it and draws the next family in bold.
 */
export function fontStack(lang: Lang, weight: 'regular' | 'bold'): string[] {
  return weight === 'bold' ? [`${FONTS[lang][0]} Bold`, ...FONTS[lang]] : FONTS[lang]
}

interface Palette {
  background: string
  residential: string
  landuse: Record<string, string>
  water: string
  waterway: string
  waterLabel: string
  building: string
  buildingOutline: string
  casing: Record<string, string>
  road: Record<string, string>
  path: string
  roadLabel: string
  placeLabel: string
  neighbourhoodLabel: string
  halo: string
  poi: Record<string, string>
  poiLabel: string
}

const ROAD_CLASSES = ['motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'minor', 'service'] as const

/** The wall: the city recedes so live layers carry the colour; only major roads stand out. */
const DARK: Palette = {
  background: '#0a0f1a',
  residential: '#0c1320',
  landuse: {
    park: '#0f2220',
    grass: '#0e1f1d',
    wood: '#0e211c',
    pitch: '#10241f',
    sand: '#1a1a1a',
    cemetery: '#101d1c',
    industrial: '#121726',
    commercial: '#141828',
    military: '#16151f',
  },
  water: '#11345a',
  waterway: '#1a4a78',
  waterLabel: '#4f7fae',
  building: '#151d2c',
  buildingOutline: '#1b2538',
  casing: { motorway: '#05080f', trunk: '#05080f', primary: '#05080f', secondary: '#070b14', tertiary: '#070b14', minor: '#080c16', service: '#080c16' },
  road: {
    motorway: '#8a9cc4',
    trunk: '#7f92bb',
    primary: '#6b7ea8',
    secondary: '#4d5e82',
    tertiary: '#3a4866',
    minor: '#253049',
    service: '#1e283c',
  },
  path: '#28334a',
  roadLabel: '#8e9cb8',
  placeLabel: '#c9d3e6',
  neighbourhoodLabel: '#7d8cab',
  halo: '#0a0f1a',
  poi: { police: '#5b8def', health: '#e8596b', school: '#c9a24a', university: '#c9a24a', market: '#9a79d8', transit_station: '#3bb3a6', fuel: '#8a94a3' },
  poiLabel: '#8e9cb8',
}

/** Desk pages: a conventional paper map. */
const LIGHT: Palette = {
  background: '#f3f0e9',
  residential: '#eeeae2',
  landuse: {
    park: '#d3e8cc',
    grass: '#dcecd3',
    wood: '#c4dfba',
    pitch: '#cce6d3',
    sand: '#f0e6c8',
    cemetery: '#d6e2d0',
    industrial: '#e6e1e8',
    commercial: '#f1e4e2',
    military: '#eadfd9',
  },
  water: '#a8d0ee',
  waterway: '#8fc1e6',
  waterLabel: '#3f73a3',
  building: '#e0d9cd',
  buildingOutline: '#cfc6b7',
  casing: { motorway: '#d98a55', trunk: '#d98a55', primary: '#d7a45c', secondary: '#cdb77a', tertiary: '#cfc8bb', minor: '#d5cec2', service: '#dbd5ca' },
  road: {
    motorway: '#f6a96f',
    trunk: '#f6a96f',
    primary: '#fbd07f',
    secondary: '#fbe7a6',
    tertiary: '#ffffff',
    minor: '#ffffff',
    service: '#fbfaf7',
  },
  path: '#b9aea0',
  roadLabel: '#4a4f5c',
  placeLabel: '#2f3441',
  neighbourhoodLabel: '#5f6677',
  halo: '#ffffff',
  poi: { police: '#2f6fe0', health: '#d83a4f', school: '#b7852a', university: '#b7852a', market: '#7a55c4', transit_station: '#1f978a', fuel: '#6e7786' },
  poiLabel: '#4a4f5c',
}

/** Line widths in px at z10/z13/z16/z18 per road class. */
const ROAD_WIDTHS: Record<(typeof ROAD_CLASSES)[number], [number, number, number, number]> = {
  motorway: [1.6, 3.2, 12, 26],
  trunk: [1.6, 3.2, 12, 26],
  primary: [1.2, 2.6, 10, 22],
  secondary: [0.7, 2, 8, 18],
  tertiary: [0.4, 1.4, 6, 14],
  minor: [0.2, 0.8, 4.5, 11],
  service: [0.2, 0.4, 2.2, 6],
}

export function basemapStyle({ theme, lang, origin }: BasemapStyleOptions): StyleSpecification {
  const p = theme === 'dark' ? DARK : LIGHT
  const regular = fontStack(lang, 'regular')
  const bold = fontStack(lang, 'bold')
  return {
    version: 8,
    name: `gridwatch ${theme}`,
    sources: {
      // Bounds, zoom range and the attribution come from the baked TileJSON.
      [BASEMAP_SOURCE]: { type: 'vector', url: `${origin}/basemap/tiles.json` },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': p.background } },
      // Residential areas are large and enclose parks and the like, so they get a layer underneath the rest.
      fillLayer('landuse-residential', 'landuse', ['==', ['get', 'class'], 'residential'], p.residential),
      fillLayer('landuse', 'landuse', ['!=', ['get', 'class'], 'residential'], byClass(p.landuse, p.residential)),
      fillLayer('water', 'water', ['==', ['geometry-type'], 'Polygon'], p.water),
      {
        id: 'waterway',
        type: 'line',
        source: BASEMAP_SOURCE,
        'source-layer': 'water',
        filter: ['==', ['geometry-type'], 'LineString'],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: {
          'line-color': p.waterway,
          'line-width': ['interpolate', ['exponential', 1.4], ['zoom'], 11, ['match', ['get', 'class'], 'river', 1.2, 0.5], 16, ['match', ['get', 'class'], 'river', 6, 'canal', 4, 2]],
        },
      },
      {
        id: 'buildings',
        type: 'fill',
        source: BASEMAP_SOURCE,
        'source-layer': 'buildings',
        paint: {
          'fill-color': p.building,
          'fill-outline-color': p.buildingOutline,
          'fill-opacity': ['interpolate', ['linear'], ['zoom'], 14, 0, 15, 1],
        },
      },
      {
        id: 'paths',
        type: 'line',
        source: BASEMAP_SOURCE,
        'source-layer': 'roads',
        filter: ['==', ['get', 'class'], 'path'],
        paint: {
          'line-color': p.path,
          'line-width': ['interpolate', ['exponential', 1.5], ['zoom'], 15, 0.6, 18, 2],
          'line-dasharray': [2, 1.5],
        },
      },
      roadLayer('road-casing', p.casing, [0.6, 1, 2, 3]),
      roadLayer('road', p.road, [0, 0, 0, 0]),
      {
        id: 'waterway-label',
        type: 'symbol',
        source: BASEMAP_SOURCE,
        'source-layer': 'water',
        filter: ['all', ['==', ['geometry-type'], 'LineString'], ['has', 'name']],
        layout: {
          'symbol-placement': 'line',
          'text-field': ['get', 'name'],
          'text-font': regular,
          'text-size': 12,
          'text-letter-spacing': 0.05,
        },
        paint: { 'text-color': p.waterLabel, 'text-halo-color': p.halo, 'text-halo-width': 1.2 },
      },
      {
        id: 'road-label',
        type: 'symbol',
        source: BASEMAP_SOURCE,
        'source-layer': 'roads',
        filter: ['has', 'name'],
        layout: {
          'symbol-placement': 'line',
          'symbol-spacing': 320,
          'symbol-sort-key': ['match', ['get', 'class'], ['motorway', 'trunk', 'primary'], 0, 'secondary', 1, 'tertiary', 2, 3],
          'text-field': ['get', 'name'],
          'text-font': regular,
          'text-size': ['interpolate', ['linear'], ['zoom'], 13, 11, 16, ['match', ['get', 'class'], ['motorway', 'trunk', 'primary', 'secondary'], 14.5, 13]],
          'text-max-angle': 30,
          'text-padding': 2,
        },
        paint: { 'text-color': p.roadLabel, 'text-halo-color': p.halo, 'text-halo-width': 1.5 },
      },
      {
        id: 'poi',
        type: 'circle',
        source: BASEMAP_SOURCE,
        'source-layer': 'pois',
        paint: {
          'circle-color': byClass(p.poi, p.poiLabel),
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 13, 2.5, 17, 6],
          'circle-stroke-color': p.halo,
          'circle-stroke-width': 1,
        },
      },
      {
        id: 'poi-label',
        type: 'symbol',
        source: BASEMAP_SOURCE,
        'source-layer': 'pois',
        minzoom: 15,
        filter: ['has', 'name'],
        layout: {
          // The services a command centre works with are named a zoom earlier than shops and schools.
          'text-field': ['step', ['zoom'], ['match', ['get', 'class'], ['police', 'health'], ['get', 'name'], ''], 16, ['get', 'name']],
          'text-font': regular,
          'text-size': 11.5,
          'text-anchor': 'top',
          'text-offset': [0, 0.7],
          'text-max-width': 9,
          'text-optional': true,
        },
        paint: { 'text-color': byClass(p.poi, p.poiLabel), 'text-halo-color': p.halo, 'text-halo-width': 1.3 },
      },
      {
        id: 'place-neighbourhood',
        type: 'symbol',
        source: BASEMAP_SOURCE,
        'source-layer': 'places',
        filter: ['match', ['get', 'class'], ['city', 'town', 'suburb', 'village'], false, true],
        layout: {
          'text-field': ['get', 'name'],
          'text-font': regular,
          'text-size': ['interpolate', ['linear'], ['zoom'], 13, 11, 16, 14],
          'text-max-width': 7,
          'text-letter-spacing': 0.04,
        },
        paint: { 'text-color': p.neighbourhoodLabel, 'text-halo-color': p.halo, 'text-halo-width': 1.5 },
      },
      {
        id: 'place-suburb',
        type: 'symbol',
        source: BASEMAP_SOURCE,
        'source-layer': 'places',
        filter: ['match', ['get', 'class'], ['city', 'town', 'suburb', 'village'], true, false],
        layout: {
          'text-field': ['get', 'name'],
          'text-font': bold,
          'text-size': ['interpolate', ['linear'], ['zoom'], 11, 11, 14, 15, 16, 18],
          'text-transform': 'uppercase',
          'text-letter-spacing': 0.12,
          'text-max-width': 8,
        },
        paint: { 'text-color': p.placeLabel, 'text-halo-color': p.halo, 'text-halo-width': 1.8 },
      },
    ],
  }
}

function fillLayer(id: string, sourceLayer: string, filter: ExpressionSpecification, color: string | ExpressionSpecification): LayerSpecification {
  return { id, type: 'fill', source: BASEMAP_SOURCE, 'source-layer': sourceLayer, filter, paint: { 'fill-color': color } }
}

function byClass(values: Record<string, string | number>, fallback: string | number): ExpressionSpecification {
  const [[label, value], ...rest] = Object.entries(values)
  return ['match', ['get', 'class'], label, value, ...rest.flat(), fallback]
}

/**
 * One layer for all road classes: the bake orders features minor-first, so within it majors are drawn on top.
 * Casings are the same layer widened by `margins` (px at the same zoom stops), so they never drift from their road.
 */
function roadLayer(id: string, colors: Record<string, string>, margins: readonly number[]): LayerSpecification {
  const widthAt = (i: number): ExpressionSpecification =>
    byClass(Object.fromEntries(ROAD_CLASSES.map((c) => [c, ROAD_WIDTHS[c][i] + margins[i]])), 0)
  return {
    id,
    type: 'line',
    source: BASEMAP_SOURCE,
    'source-layer': 'roads',
    filter: ['!=', ['get', 'class'], 'path'],
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: {
      'line-color': byClass(colors, colors.minor),
      'line-width': ['interpolate', ['exponential', 1.5], ['zoom'], 10, widthAt(0), 13, widthAt(1), 16, widthAt(2), 18, widthAt(3)],
    },
  }
}
