import { LngLatBounds, Map as MapLibreMap, setWorkerUrl } from 'maplibre-gl'
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url'
import { MapLibreOverlay, PathLayer, ScatterplotLayer, TextLayer } from 'deck.gl'
import { lang } from '../i18n.ts'
import { basemapStyle } from '../map/basemap-style.ts'
import { addGridLevel, GRID_LEVELS, type GridLevel, type Grids } from '../map/grid-layers.ts'
import { STATUS_COLORS, type Rgba } from '../wall/unit-store.ts'
import { PRIORITY_COLORS } from '../wall/wall-layers.ts'

/** A unit as the console draws it: its last fix and duty status. */
export interface MapUnit {
  id: string
  callsign: string
  status: string
  lon: number
  lat: number
}

export interface MapCandidate {
  unitId: string
  rank: number
  lon: number
  lat: number
  route: [number, number][] | null
}

export interface MapScene {
  units: readonly MapUnit[]
  /** Bumped whenever `units` changed, so deck.gl re-uploads positions only then. */
  unitsVersion: number
  selected: { lon: number; lat: number; priority: number } | null
  candidates: readonly MapCandidate[]
  highlighted: string | null
}

const HIGHLIGHT: Rgba = [56, 189, 248, 255]
const ROUTE: Rgba = [148, 163, 184, 170]
const UNKNOWN: Rgba = [148, 163, 184, 255]

// Bundled, MapLibre cannot find its worker next to itself; point it at the copy Vite emits.
setWorkerUrl(workerUrl)

/** The console's map: the dark basemap and area outlines, every unit, the selected case, its candidates and their road routes. */
export class CaseMap {
  private readonly overlay = new MapLibreOverlay({ interleaved: true, layers: [] })
  private scene: MapScene = { units: [], unitsVersion: 0, selected: null, candidates: [], highlighted: null }

  private constructor(readonly map: MapLibreMap) {
    map.addControl(this.overlay)
  }

  static async open(container: HTMLElement, areas: Record<GridLevel, Grids>, tileJson: { bounds: [number, number, number, number]; minzoom: number }): Promise<CaseMap> {
    const streets = areas.street.features
    const map = new MapLibreMap({
      container,
      style: basemapStyle({ theme: 'dark', lang, origin: location.origin }),
      bounds: streets.length ? boundsOf(streets.flatMap(ringsOf)) : tileJson.bounds,
      fitBoundsOptions: { padding: 30 },
      minZoom: tileJson.minzoom,
      attributionControl: { compact: true },
      // Keys belong to the console: j/k and the arrows move through the queue, not the map.
      keyboard: false,
    })
    await map.once('load')
    for (let i = GRID_LEVELS.length - 1; i >= 0; i--) addGridLevel(map, GRID_LEVELS[i], areas[GRID_LEVELS[i]], 'dark', lang)
    return new CaseMap(map)
  }

  update(next: Partial<MapScene>): void {
    this.scene = { ...this.scene, ...next }
    const s = this.scene
    const ranked = new Map(s.candidates.map((c) => [c.unitId, c]))
    const routes = s.candidates.filter((c) => c.route && c.route.length > 1)
    // The highlighted route is drawn last, on top of the others.
    routes.sort((a, b) => Number(a.unitId === s.highlighted) - Number(b.unitId === s.highlighted))
    this.overlay.setProps({
      layers: [
        new ScatterplotLayer<MapUnit>({
          id: 'units',
          data: s.units,
          getPosition: (u) => [u.lon, u.lat],
          getFillColor: (u) => STATUS_COLORS[u.status as keyof typeof STATUS_COLORS] ?? UNKNOWN,
          getRadius: 4,
          radiusUnits: 'pixels',
          stroked: true,
          getLineColor: [10, 15, 26, 255],
          lineWidthUnits: 'pixels',
          getLineWidth: 1,
          updateTriggers: { getPosition: s.unitsVersion, getFillColor: s.unitsVersion },
        }),
        new PathLayer<MapCandidate>({
          id: 'routes',
          data: routes,
          getPath: (c) => c.route!,
          getColor: (c) => (c.unitId === s.highlighted ? HIGHLIGHT : ROUTE),
          getWidth: (c) => (c.unitId === s.highlighted ? 6 : 3),
          widthUnits: 'pixels',
          capRounded: true,
          jointRounded: true,
          updateTriggers: { getColor: s.highlighted, getWidth: s.highlighted },
        }),
        new ScatterplotLayer<{ lon: number; lat: number; priority: number }>({
          id: 'case',
          data: s.selected ? [s.selected] : [],
          getPosition: (c) => [c.lon, c.lat],
          getFillColor: (c) => PRIORITY_COLORS[c.priority] ?? PRIORITY_COLORS[4],
          getRadius: 11,
          radiusUnits: 'pixels',
          stroked: true,
          getLineColor: [255, 255, 255, 255],
          lineWidthUnits: 'pixels',
          getLineWidth: 3,
        }),
        new ScatterplotLayer<MapCandidate>({
          id: 'candidates',
          data: [...ranked.values()],
          getPosition: (c) => [c.lon, c.lat],
          getFillColor: (c) => (c.unitId === s.highlighted ? HIGHLIGHT : [15, 23, 42, 255]),
          getRadius: 10,
          radiusUnits: 'pixels',
          stroked: true,
          getLineColor: HIGHLIGHT,
          lineWidthUnits: 'pixels',
          getLineWidth: 2,
          updateTriggers: { getFillColor: s.highlighted },
        }),
        new TextLayer<MapCandidate>({
          id: 'candidate-ranks',
          data: [...ranked.values()],
          getPosition: (c) => [c.lon, c.lat],
          getText: (c) => String(c.rank),
          getColor: (c) => (c.unitId === s.highlighted ? [10, 15, 26, 255] : [224, 242, 254, 255]),
          getSize: 13,
          fontWeight: 700,
          characterSet: '0123456789',
          fontFamily: 'Noto Sans, Liberation Sans, Arial, sans-serif',
          updateTriggers: { getColor: s.highlighted },
        }),
      ],
    })
  }

  /** Frames the case and its candidates; just the case at street zoom when it has none. */
  fit(): void {
    const s = this.scene
    if (!s.selected) return
    const pts: [number, number][] = [[s.selected.lon, s.selected.lat], ...s.candidates.map((c) => [c.lon, c.lat] as [number, number])]
    for (const c of s.candidates) if (c.route) pts.push(...c.route)
    if (pts.length === 1) {
      this.map.easeTo({ center: pts[0], zoom: Math.max(this.map.getZoom(), 15), duration: 400 })
      return
    }
    this.map.fitBounds(boundsOf(pts), { padding: 60, maxZoom: 16.5, duration: 400 })
  }
}

function ringsOf(f: Grids['features'][number]): [number, number][] {
  const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates
  return polygons.flatMap((p) => p[0] as [number, number][])
}

function boundsOf(points: [number, number][]): LngLatBounds {
  const b = new LngLatBounds()
  for (const p of points) b.extend(p)
  return b
}
