import type { ExpressionSpecification, LayerSpecification, Map as MapLibreMap } from 'maplibre-gl'
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson'
import type { Lang } from '../i18n.ts'
import { fontStack, type Theme } from './basemap-style.ts'
import { labelPoints } from './label-points.ts'

export const GRID_LEVELS = ['street', 'community', 'grid'] as const
export type GridLevel = (typeof GRID_LEVELS)[number]

export interface GridProperties {
  code: string
  name: string
  nameEn?: string | null
  level: GridLevel
  parentCode: string | null
}

export type Grids = FeatureCollection<Polygon | MultiPolygon, GridProperties>

interface LevelLook {
  /** Below this zoom the level is too dense to read and is not drawn. */
  minzoom: number
  /** Line width at z10, z14 and z17. */
  widths: [number, number, number]
  opacity: number
  /** The finest level is dashed so it never reads as a street boundary. */
  dash?: [number, number]
  /** Zooms at which this level's names are the ones worth reading. */
  labels: [min: number, max: number]
  textSize: number
  bold: boolean
}

const LOOK: Record<GridLevel, LevelLook> = {
  street: { minzoom: 0, widths: [2.2, 3.5, 5], opacity: 0.95, labels: [10, 13.5], textSize: 17, bold: true },
  community: { minzoom: 11, widths: [0.9, 1.8, 2.6], opacity: 0.75, labels: [13, 15.5], textSize: 13.5, bold: true },
  grid: { minzoom: 13, widths: [0.6, 1, 1.6], opacity: 0.7, dash: [3, 2], labels: [15, 24], textSize: 11.5, bold: false },
}

export const GRID_COLORS: Record<Theme, Record<GridLevel, string>> = {
  dark: { street: '#7dd3fc', community: '#38bdf8', grid: '#0ea5e9' },
  light: { street: '#1e3a8a', community: '#2563eb', grid: '#60a5fa' },
}
const LABEL: Record<Theme, { color: string; halo: string }> = {
  dark: { color: '#e0f2fe', halo: '#0a0f1a' },
  light: { color: '#172554', halo: '#ffffff' },
}

// Grid lines go under the basemap's labels so street names stay readable; grid labels go on top of everything.
const BELOW_BASEMAP_LABELS = 'waterway-label'

/** Draws one level's boundaries and names; finer levels are added first so coarser outlines lie on top. */
export function addGridLevel(map: MapLibreMap, level: GridLevel, grids: Grids, theme: Theme, lang: Lang): void {
  const look = LOOK[level]
  const areas = `grids-${level}`
  const points = `grids-${level}-labels`
  map.addSource(areas, { type: 'geojson', data: grids })
  map.addSource(points, { type: 'geojson', data: labelPoints(grids) })
  const line: LayerSpecification = {
    id: `grids-${level}-line`,
    type: 'line',
    source: areas,
    minzoom: look.minzoom,
    layout: { 'line-join': 'round' },
    paint: {
      'line-color': GRID_COLORS[theme][level],
      'line-width': ['interpolate', ['linear'], ['zoom'], 10, look.widths[0], 14, look.widths[1], 17, look.widths[2]],
      'line-opacity': ['interpolate', ['linear'], ['zoom'], look.minzoom, look.opacity / 2, look.minzoom + 1, look.opacity],
      ...(look.dash && { 'line-dasharray': look.dash }),
    },
  }
  const name: ExpressionSpecification = lang === 'en' ? ['coalesce', ['get', 'nameEn'], ['get', 'name']] : ['get', 'name']
  const label: LayerSpecification = {
    id: `grids-${level}-label`,
    type: 'symbol',
    source: points,
    minzoom: look.labels[0],
    maxzoom: look.labels[1],
    layout: {
      'text-field': name,
      'text-font': fontStack(lang, look.bold ? 'bold' : 'regular'),
      'text-size': look.textSize,
      'text-max-width': 8,
      'text-padding': 4,
    },
    paint: { 'text-color': LABEL[theme].color, 'text-halo-color': LABEL[theme].halo, 'text-halo-width': 2 },
  }
  map.addLayer(line, BELOW_BASEMAP_LABELS)
  map.addLayer(label)
}
