import { GeoJsonLayer, HeatmapLayer, IconLayer, LineLayer, PolygonLayer, ScatterplotLayer, TextLayer } from 'deck.gl'
import type { Layer } from 'deck.gl'
import type { AreaProperties, Areas, CameraProperties } from './api.ts'
import type { DispatchLines, DispatchLink } from './dispatch-lines.ts'
import type { WallIncident } from './incident-store.ts'
import type { MarkerAtlas } from './marker-icons.ts'
import { TrailLayer } from './trail-layer.ts'
import { UnitSpriteLayer } from './unit-sprite-layer.ts'
import type { MoveStep, Rgba, TrailBuffers, UnitStore } from './unit-store.ts'

/**
 * The deck.gl layers of the wall, described afresh from the current state each time something changes. Layer
 * ids stay the same and data objects are reused, so deck.gl updates GPU buffers in place: unit positions,
 * angles and colours go up as binary attributes, only those whose version moved.
 *
 * They come in two sets drawn by two deck.gl instances. The base layers (grid fill, heatmap, camera wedges) sit
 * between basemap layers, so they are drawn inside MapLibre's frame, and any change to them repaints the whole
 * map. Everything else lies above the map and moves (units, trails, dispatch lines, pulses): it has a canvas of
 * its own, so a unit's step redraws that canvas only, not the basemap, the 500,000-point heatmap or the grids.
 */

/** The MapLibre layer our city layers go under (labels stay readable on top of them). */
export const BELOW_LABELS = 'waterway-label'
export const BELOW_ROADS = 'road-casing'

/** Interleaved with MapLibre: the deck.gl layer is drawn just below this basemap layer (a MapLibreOverlay prop). */
const under = (beforeId: string) => ({ beforeId }) as object

export const HEAT_COLORS: [number, number, number][] = [
  [21, 94, 117],
  [14, 116, 144],
  [45, 170, 150],
  [234, 179, 8],
  [249, 115, 22],
  [239, 68, 68],
]

export const PRIORITY_COLORS: Record<number, Rgba> = {
  1: [239, 68, 68, 255],
  2: [249, 115, 22, 255],
  3: [234, 179, 8, 255],
  4: [148, 163, 184, 255],
}

export const CAMERA_COLORS: Record<string, Rgba> = {
  online: [165, 180, 252, 255],
  offline: [148, 163, 184, 255],
  maintenance: [245, 158, 11, 255],
}

export interface CameraItem {
  id: string
  name: string
  lon: number
  lat: number
  status: string
  wedge: [number, number][]
  alerting: boolean
}

export interface LayerInputs {
  now: number
  zoom: number
  gridAreas: Areas
  fill: { colorOf: (code: string) => Rgba | null; version: number; visible: boolean }
  units: UnitStore
  trails: TrailBuffers
  trailWindowS: number
  /** A fixed point near the city, [lon, lat, 0]: the unit and trail layers' coordinates are offsets from it. */
  origin: [number, number, number]
  incidents: { items: WallIncident[]; version: number; isOverdue: (i: WallIncident) => boolean }
  /** `items` for the field-of-view wedges, `shown` for the icons (all when close, only alerting ones city-wide). */
  cameras: { items: CameraItem[]; shown: CameraItem[]; version: number }
  /** Incident positions of the heatmap window as binary data (`{length, attributes: {getPosition}}`). */
  heat: { data: object; count: number; visible: boolean }
  staleLabels: { items: { position: [number, number]; text: string }[]; version: number }
  /** Dispatched case -> assigned unit, with the label each line's case end carries. */
  dispatch: { lines: DispatchLines; labelOf: (l: DispatchLink) => string }
  takeover: { lon: number; lat: number; startedAt: number; links: [number, number][] } | null
  atlas: MarkerAtlas
}

/** What the base layers draw from: when none of it changed, MapLibre's frame need not be redrawn. */
function baseInputs(s: LayerInputs): unknown[] {
  return [baseOpacity(s.zoom), s.zoom >= 13, s.gridAreas, s.fill.version, s.fill.visible, s.heat.data, s.heat.visible, s.cameras.items, s.cameras.version]
}

/**
 * Units shrink as the map zooms out, to half size at the whole-city view, and to a third when the fleet is in
 * the thousands: there even half-size icons would cover the city several times over (10,000 at 12 px on the
 * 1080p head's city lie three to five deep), so smaller dots show where the units are, and on a software renderer
 * each costs its area in fragments.
 */
const unitZoomScale = (zoom: number, units: number) => Math.min(1, Math.max(units > 2000 ? 0.35 : 0.5, 2 ** ((zoom - 14) / 2)))

/** Half a pixel at this zoom and latitude, in degrees of each axis (512 px tiles: 360° / 512 / 2^zoom a pixel). */
export function halfPixel(zoom: number, lat: number): MoveStep {
  const lonDeg = 180 / 512 / 2 ** zoom
  return { lonDeg, latDeg: lonDeg * Math.cos((lat * Math.PI) / 180) }
}

/**
 * Whether trails are drawn at this zoom. Below 12 half a minute of driving (~300 m at 10 m/s) is under 9 px, about
 * the radius of the unit's own icon there, so a trail would hardly show from under it, while drawing every trail
 * cost a software renderer a quarter of each redraw at the whole-city view.
 */
export const trailsShown = (zoom: number) => zoom >= 12

// Close in, a grid fills the screen: the fill steps back so streets and units stay readable.
const baseOpacity = (zoom: number) => (zoom <= 13 ? 1 : zoom >= 15.5 ? 0.4 : 1 - ((zoom - 13) / 2.5) * 0.6)

/** The base layers, or null when they would be the same as last time (handing them over again repaints the map). */
export class BaseLayers {
  private last: unknown[] = []

  build(s: LayerInputs): Layer[] | null {
    const inputs = baseInputs(s)
    if (inputs.length === this.last.length && inputs.every((x, i) => x === this.last[i])) return null
    this.last = inputs
    return buildBaseLayers(s)
  }
}

function buildBaseLayers(s: LayerInputs): Layer[] {
  const layers: Layer[] = [
    new GeoJsonLayer<AreaProperties>({
      id: 'grid-fill',
      data: s.gridAreas,
      ...under(BELOW_ROADS),
      filled: true,
      stroked: false,
      visible: s.fill.visible,
      getFillColor: (f) => s.fill.colorOf(f.properties.code) ?? [0, 0, 0, 0],
      opacity: baseOpacity(s.zoom),
      updateTriggers: { getFillColor: s.fill.version },
    }),
  ]
  if (s.heat.visible && s.heat.count > 0) {
    // Only while its scene shows: an aggregation layer costs render passes even when hidden.
    layers.push(
      new HeatmapLayer({
        id: 'heatmap',
        // The same data object until the points change, or deck.gl aggregates again every frame.
        data: s.heat.data as never,
        ...under(BELOW_LABELS),
        radiusPixels: 70,
        intensity: 1.5,
        threshold: 0.03,
        colorRange: HEAT_COLORS,
      }),
    )
  }
  layers.push(
    new PolygonLayer<CameraItem>({
      id: 'camera-fov',
      data: s.cameras.items,
      ...under(BELOW_LABELS),
      visible: s.zoom >= 13,
      getPolygon: (c) => c.wedge,
      filled: true,
      stroked: false,
      getFillColor: (c) => (c.alerting ? [239, 68, 68, 70] : c.status === 'online' ? [165, 180, 252, 34] : [100, 116, 139, 26]),
      updateTriggers: { getFillColor: s.cameras.version },
    }),
  )
  return layers
}

/** The layers above the map, in their own canvas: redrawn as units move, without repainting the map. */
export function buildLiveLayers(s: LayerInputs): Layer[] {
  const { units } = s
  const layers: Layer[] = []
  const pulse = (s.now % 1600) / 1600
  const flash = Math.floor(s.now / 500) % 2 === 0

  layers.push(
    new IconLayer<CameraItem>({
      id: 'cameras-halo',
      data: s.cameras.shown,
      iconAtlas: s.atlas.canvas as never,
      iconMapping: s.atlas.mapping,
      getIcon: () => 'camera',
      getPosition: (c) => [c.lon, c.lat],
      getSize: (c) => (c.alerting ? 30 : 19),
      getColor: [4, 8, 16, 220],
      sizeUnits: 'pixels',
      updateTriggers: { getSize: s.cameras.version },
    }),
    new IconLayer<CameraItem>({
      id: 'cameras',
      data: s.cameras.shown,
      iconAtlas: s.atlas.canvas as never,
      iconMapping: s.atlas.mapping,
      getIcon: (c) => (c.status === 'online' || c.alerting ? 'camera' : 'camera-off'),
      getPosition: (c) => [c.lon, c.lat],
      getSize: (c) => (c.alerting ? 24 : 14),
      // An alerting camera flashes.
      getColor: (c) => (c.alerting ? (flash ? [239, 68, 68, 255] : [254, 202, 202, 255]) : (CAMERA_COLORS[c.status] ?? CAMERA_COLORS.online)),
      sizeUnits: 'pixels',
      updateTriggers: { getIcon: s.cameras.version, getSize: s.cameras.version, getColor: `${s.cameras.version}:${flash}` },
    }),
  )

  // New incidents pulse for their first minute.
  const fresh = s.incidents.items.filter((i) => i.arrivedAt !== null && s.now - i.arrivedAt < 60_000)
  if (fresh.length) {
    layers.push(
      new ScatterplotLayer<WallIncident>({
        id: 'incident-pulse',
        data: fresh,
        radiusUnits: 'pixels',
        getRadius: 10,
        radiusScale: 1 + pulse * 3,
        filled: false,
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 3,
        opacity: 1 - pulse,
        getPosition: (i) => [i.lon, i.lat],
        getLineColor: (i) => PRIORITY_COLORS[i.priority] ?? PRIORITY_COLORS[4],
        updateTriggers: { getLineColor: s.incidents.version },
      }),
    )
  }
  const incidentSize = (i: WallIncident) => (i.priority === 1 ? 30 : i.priority === 2 ? 25 : 21)
  // The heatmap scene shows where incidents cluster; their markers would only hide it.
  const showIncidents = !(s.heat.visible && s.heat.count > 0)
  layers.push(
    // Triangles with a dark halo; an overdue case gets a white one.
    new IconLayer<WallIncident>({
      id: 'incidents-halo',
      data: s.incidents.items,
      visible: showIncidents,
      iconAtlas: s.atlas.canvas as never,
      iconMapping: s.atlas.mapping,
      getIcon: () => 'incident',
      getPosition: (i) => [i.lon, i.lat],
      getSize: (i) => incidentSize(i) * 1.32,
      getColor: (i) => (s.incidents.isOverdue(i) ? [241, 245, 249, 255] : [4, 8, 16, 230]),
      sizeUnits: 'pixels',
      updateTriggers: { getSize: s.incidents.version, getColor: s.incidents.version },
    }),
    new IconLayer<WallIncident>({
      id: 'incidents',
      data: s.incidents.items,
      visible: showIncidents,
      iconAtlas: s.atlas.canvas as never,
      iconMapping: s.atlas.mapping,
      getIcon: () => 'incident',
      getPosition: (i) => [i.lon, i.lat],
      getSize: incidentSize,
      getColor: (i) => PRIORITY_COLORS[i.priority] ?? PRIORITY_COLORS[4],
      sizeUnits: 'pixels',
      updateTriggers: { getSize: s.incidents.version, getColor: s.incidents.version },
    }),
    new LineLayer({
      id: 'dispatch-lines',
      data: s.dispatch.lines.data as never,
      widthUnits: 'pixels',
      getWidth: 3,
      getColor: [56, 189, 248, 210],
    }),
    new TextLayer<DispatchLink>({
      id: 'dispatch-eta',
      data: s.dispatch.lines.links,
      visible: showIncidents,
      getPosition: (l) => l.caseLonLat,
      getText: (l) => s.dispatch.labelOf(l),
      characterSet: 'auto',
      fontFamily: 'Noto Sans CJK SC, Noto Sans, Liberation Sans, sans-serif',
      fontWeight: 700,
      getSize: 18,
      getColor: [186, 230, 253, 255],
      getPixelOffset: [0, -32],
      // A plate of its own: the label must read over street names and other markers.
      background: true,
      getBackgroundColor: [6, 12, 24, 230],
      backgroundPadding: [8, 4],
      getBorderColor: [56, 189, 248, 200],
      getBorderWidth: 1,
      updateTriggers: { getText: s.dispatch.lines.labelsVersion, getPosition: s.dispatch.lines.labelsVersion },
    }),
    new TrailLayer({
      id: 'unit-trails',
      visible: trailsShown(s.zoom),
      trails: s.trails,
      coordinateOrigin: s.origin,
      currentTime: s.now / 1000,
      trailLength: s.trailWindowS,
      widthPixels: 3,
      opacity: 0.75,
    }),
    new UnitSpriteLayer({
      id: 'units',
      count: units.count,
      positions: units.positions,
      angles: units.angles,
      sizes: units.sizes,
      colors: units.colors,
      shapes: units.icons,
      positionsVersion: units.version.positions + units.version.structure,
      styleVersion: units.version.style + units.version.icons + units.version.structure,
      sizeScale: unitZoomScale(s.zoom, units.count),
      coordinateOrigin: s.origin,
    }),
    new TextLayer<{ position: [number, number]; text: string }>({
      id: 'stale-age',
      data: s.staleLabels.items,
      visible: s.zoom >= 13,
      getPosition: (d) => d.position,
      getText: (d) => d.text,
      characterSet: STALE_CHARSET,
      fontFamily: 'Noto Sans CJK SC, Noto Sans, Liberation Sans, sans-serif',
      fontWeight: 700,
      getSize: 15,
      getColor: [203, 213, 225, 255],
      getPixelOffset: [0, 22],
      outlineWidth: 3,
      outlineColor: [6, 10, 18, 255],
      fontSettings: { sdf: true },
      updateTriggers: { getText: s.staleLabels.version, getPosition: s.staleLabels.version },
    }),
  )

  if (s.takeover) {
    const t = s.takeover
    const phase = ((s.now - t.startedAt) % 1400) / 1400
    layers.push(
      new LineLayer<[number, number]>({
        id: 'takeover-links',
        data: t.links,
        getSourcePosition: () => [t.lon, t.lat],
        getTargetPosition: (p) => p,
        widthUnits: 'pixels',
        getWidth: 2.5,
        getColor: [125, 211, 252, 200],
        updateTriggers: { getTargetPosition: s.now },
      }),
      new ScatterplotLayer({
        id: 'takeover-ring',
        data: [0, 1],
        getPosition: () => [t.lon, t.lat],
        radiusUnits: 'pixels',
        getRadius: (k: number) => (k === 0 ? 26 + phase * 70 : 22),
        filled: false,
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: (k: number) => (k === 0 ? 4 : 3),
        getLineColor: (k: number) => (k === 0 ? [239, 68, 68, Math.round(255 * (1 - phase))] : [254, 202, 202, 255]),
        updateTriggers: { getRadius: phase, getLineColor: phase, getPosition: `${t.lon},${t.lat}` },
      }),
    )
  }
  return layers
}

const STALE_CHARSET = '0123456789 :分钟秒小时天前离线minhsdago>+'.split('')
