import { LngLatBounds, Map as MapLibreMap, setWorkerUrl } from 'maplibre-gl'
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url'
import { MapLibreOverlay } from 'deck.gl'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import { lang, t, translatePage, type MessageKey } from '../i18n.ts'
import { basemapStyle } from '../map/basemap-style.ts'
import { addGridLevel, GRID_LEVELS, type GridLevel, type Grids } from '../map/grid-layers.ts'
import { fetchCameraViews, fetchCategoryNames, fetchGridScores, fetchIncidents, fetchJson, fetchReadiness, fetchRoutes, type Readiness, Unavailable, type AreaProperties, type Areas, type Cameras, type CameraView, type Units } from './api.ts'
import { CASE_STATE_LABELS, OPEN_CASE_STATES, type CaseState } from '../../geo/cases/case-states.ts'
import { cameraMedia, type CameraMedia } from './camera-media.ts'
import { ago, areaName, formatInt, hhmmss, shortAge, tn } from './format.ts'
import { fitStage, headFromUrl, mapPadding, mapRect, takeoverCardWidth } from './heads.ts'
import { IncidentStore, type WallIncident } from './incident-store.ts'
import { dayStart, TODAY_FORMULAS, TodayCases } from './today-figures.ts'
import { EVALUATION_FORMULAS } from '../../geo/analytics/case-evaluation.ts'
import { DispatchLines, type DispatchLink } from './dispatch-lines.ts'
import { AlertMosaic, mediaLabels, type MosaicAlert } from './mosaic.ts'
import { LiveFeed, type LiveEvent, type LiveLayer, type SocketState, type SyncNote, type UnitFrame } from './live-feed.ts'
import { CLASS_COLORS, classBreaks, classOf, EVALUATION_DAYS, MEASURE_SOURCE, MEASURES, RATE_BREAKS, RATE_COLORS, type MeasureId } from './measures.ts'
import {
  layerHealth,
  pushTicker,
  renderClock,
  renderFeeds,
  renderKpis,
  renderLeague,
  renderLegend,
  renderLinkState,
  tickerEmpty,
  type FeedRow,
  type Kpi,
  type LeagueRow,
} from './panels.ts'
import type { WallProbe } from './probe.ts'
import { SceneDirector, type ActiveTakeover, type Scene } from './scenes.ts'
import { drawMarkerIcons } from './marker-icons.ts'
import { STATUS_COLORS, UnitStore, type Rgba, type TrailBuffers } from './unit-store.ts'
import { RedrawPacer } from './redraw-pacer.ts'
import { BaseLayers, BELOW_LABELS, buildLiveLayers, halfPixel, trailsShown, type CameraItem, type LayerInputs } from './wall-layers.ts'

const params = new URLSearchParams(location.search)
const num = (name: string, fallback: number, min: number, max: number) => {
  const v = Number(params.get(name))
  return params.has(name) && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback
}
const head = headFromUrl()
const DWELL_MS = num('dwell', 20, 2, 3600) * 1000
const TAKEOVER_MS = num('takeover', 30, 2, 3600) * 1000
const SCENES = (params.get('scenes') ?? 'city,streets,heatmap,mosaic').split(',').map((x) => x.trim())
const TRAIL_WINDOW_S = 30
/** `?hide=units,unit-trails`: leave deck.gl layers out, to measure what each costs. */
const HIDDEN = new Set((params.get('hide') ?? '').split(',').filter(Boolean))
/** `?heat=on`: the incident heatmap over every scene, not only its own (where it replaces the grid fill). */
const HEAT_ALWAYS = params.get('heat') === 'on'
const STALE_MS = 120_000
const HOUR_MS = 3_600_000
const UNAVAILABLE_RETRY_MS = 60_000
/** Alerts kept for the mosaic (newest first); it shows the first few. */
const MAX_RECENT_ALERTS = 50

const probe: WallProbe = {
  ready: false,
  head: head.id,
  layers: { grids: 0, units: 0, unitsWithFix: 0, incidents: 0, cameras: 0, heat: 0, alerts: 0, dispatchLines: 0 },
  unitPosition: () => null,
  socket: 'reconnecting',
  socketNote: null,
  resyncs: 0,
  scene: '',
  sceneSince: 0,
  takeover: null,
  takeoversShown: 0,
  measure: 'units',
  filledGrids: 0,
  dispatchLabels: [],
  frames: 0,
  settled: false,
}
;(window as unknown as { __gridwatch: WallProbe }).__gridwatch = probe

setWorkerUrl(workerUrl)
translatePage()
document.title = `${t('page.wall')} · ${t('app.name')}`
const stage = document.getElementById('stage')!
stage.classList.add(`head-${head.id}`)
// The bezels of the triple head, where nothing is placed.
if (head.layout === 'triple') {
  for (const x of [1920, 3840]) {
    const d = Object.assign(document.createElement('div'), { className: 'stage-divider' })
    d.style.left = `${x}px`
    stage.append(d)
  }
}
let stageScale = fitStage(stage, head)
const status = document.getElementById('status')!

main().catch((err: Error) => {
  probe.error = err.message
  status.hidden = false
  status.textContent = `${t('wall.error')}: ${err.message}`
  status.classList.add('error')
  console.error(err)
})

async function main(): Promise<void> {
  const [tileJson, street, community, grid] = await Promise.all([
    fetchJson<{ bounds: [number, number, number, number]; minzoom: number; attribution?: string }>('/basemap/tiles.json'),
    fetchJson<Areas>('/api/v1/grids?level=street'),
    fetchJson<Areas>('/api/v1/grids?level=community'),
    fetchJson<Areas>('/api/v1/grids?level=grid'),
  ])
  const areas = { street, community, grid }
  probe.layers.grids = street.features.length + community.features.length + grid.features.length
  document.getElementById('credit')!.textContent = tileJson.attribution ?? ''

  // Grid -> community -> street, from the parent codes the API gives.
  const communityToStreet = new Map(community.features.map((f) => [f.properties.code, f.properties.parentCode ?? '']))
  const gridToStreet = new Map(grid.features.map((f) => [f.properties.code, communityToStreet.get(f.properties.parentCode ?? '') ?? '']))
  const areaByCode = new Map<string, Feature<Polygon | MultiPolygon, AreaProperties>>()
  for (const fc of [street, community, grid]) for (const f of fc.features) areaByCode.set(f.properties.code, f)
  const streets = [...street.features].sort((a, b) => a.properties.code.localeCompare(b.properties.code))
  const cityBounds = street.features.length ? boundsOf(street.features) : new LngLatBounds(tileJson.bounds.slice(0, 2) as [number, number], tileJson.bounds.slice(2) as [number, number])
  const layerOrigin: [number, number, number] = [...cityBounds.getCenter().toArray(), 0]

  // ---------- map ----------
  const rect = mapRect(head)
  const mapEl = document.getElementById('map')!
  Object.assign(mapEl.style, { left: `${rect.left}px`, top: `${rect.top}px`, width: `${rect.width}px`, height: `${rect.height}px` })
  const padding = mapPadding(head)
  const map = new MapLibreMap({
    container: mapEl,
    style: basemapStyle({ theme: 'dark', lang, origin: location.origin }),
    bounds: cityBounds,
    fitBoundsOptions: { padding },
    minZoom: tileJson.minzoom,
    interactive: false,
    attributionControl: false,
    pixelRatio: stageScale * devicePixelRatio,
    fadeDuration: 200,
  })
  window.addEventListener('resize', () => {
    stageScale = fitStage(stage, head)
    map.setPixelRatio(stageScale * devicePixelRatio)
  })
  await map.once('load')
  addWallAreas(map, areas)

  // Layers between basemap layers are drawn in MapLibre's frame; those above the map get a canvas of their own,
  // so a unit's step does not repaint the map (see wall-layers.ts).
  const underlay = new MapLibreOverlay({ interleaved: true, layers: [] })
  const overlay = new MapLibreOverlay({
    interleaved: false,
    layers: [],
    useDevicePixels: stageScale * devicePixelRatio,
    // As MapLibre's own context: no multisampling (four times the fragments on a software renderer, and a look
    // the units did not have when drawn in the map's frame) and no copy of the last frame kept.
    deviceProps: { webgl: { antialias: false, preserveDrawingBuffer: false } },
  })
  map.addControl(underlay)
  map.addControl(overlay)
  window.addEventListener('resize', () => overlay.setProps({ useDevicePixels: stageScale * devicePixelRatio }))
  // For benchmarks and diagnosis in a browser console: the map and the overlays (tests use `__gridwatch`).
  // setHeatPoints: the benchmark's 500,000-point heatmap, [lon, lat, lon, lat, ...], in place of the incidents'.
  ;(window as unknown as { __wallDebug: unknown }).__wallDebug = {
    map,
    underlay,
    overlay,
    setHeatPoints(points: Float64Array) {
      heatPinned = true
      setHeat(points, points.length / 2)
    },
  }

  // ---------- state ----------
  const units = new UnitStore({ staleMs: STALE_MS })
  const incidents = new IncidentStore()
  const today = new TodayCases()
  const dispatchLines = new DispatchLines()
  const dispatchLabel = {
    labelOf: (l: DispatchLink) => {
      const i = units.has(l.unitId) ? units.indexOf(l.unitId) : -1
      const who = i >= 0 ? units.callsign[i] : l.unitId
      if (i >= 0 && units.statusOf(i) === 'on_scene') return `${who} · ${t('wall.dispatch.onScene')}`
      if (l.basis === 'straight') return `${who} · ${tn('wall.dispatch.etaStraight', l.etaMinutes)}`
      return `${who} · ${l.etaMinutes > 0 ? tn('wall.dispatch.eta', l.etaMinutes) : t('wall.dispatch.due')}`
    },
  }
  const baseLayers = new BaseLayers()
  const atlas = drawMarkerIcons()
  let trails: TrailBuffers = units.buildTrails(performance.now(), TRAIL_WINDOW_S * 1000)
  let trailsDirty = false
  let lastTrailBuild = 0
  let lastMoveAt = -Infinity
  let layersDirty = true

  const api = {
    incidents: null as boolean | null,
    cameras: null as boolean | null,
    alerts: null as boolean | null,
    streams: null as boolean | null,
    evaluation: null as boolean | null,
  }
  /** Closed cases per grid over the evaluation window, and how many kept every limit (the on-time rate's terms). */
  let gridScores = new Map<string, { closed: number; closedOnTime: number }>()
  /** The same per street, summed from its grids' terms (not an average of their rates), as the evaluation does. */
  let streetScores = new Map<string, { closed: number; closedOnTime: number }>()
  let cameraViews = new Map<string, CameraView>()
  /** Open alerts by key (`alert:<id>`), for the mosaic. */
  const recentAlerts = new Map<string, AlertLike>()
  let cameras: CameraItem[] = []
  let camerasVersion = 0
  let cameraCounts = { online: 0, total: 0 }
  let lastCamerasAt: number | null = null
  const alertingCameras = new Set<string>()
  const heat = { data: {} as object, count: 0, visible: false }
  /** The heatmap's own scene, where the heat replaces the grid fill. */
  let heatScene = false
  /** Points handed in for a benchmark stay until the page closes. */
  let heatPinned = false
  let staleLabels = { items: [] as { position: [number, number]; text: string }[], version: 0 }
  let fill = { colors: new Map<string, Rgba>(), version: 0, breaks: [1, 2, 3, 4, 5] }
  let measure: MeasureId = (MEASURES as readonly string[]).includes(params.get('measure') ?? '') ? (params.get('measure') as MeasureId) : 'openCases'
  let takeoverLinks: [number, number][] = []
  let staleCount = 0

  const measureAvailable = (m: MeasureId) => MEASURE_SOURCE[m] === null || api[MEASURE_SOURCE[m]!] === true
  const effectiveMeasure = (): MeasureId => (measureAvailable(measure) ? measure : 'units')
  const serverNow = () => live.serverNow()

  // ---------- scenes and takeovers ----------
  const sceneName = document.getElementById('scene-name')!
  const director = new SceneDirector({
    dwellMs: DWELL_MS,
    takeoverMs: TAKEOVER_MS,
    onScene: (scene) => showScene(scene),
    onTakeover: (tk) => showTakeover(tk),
  })

  /**
   * The rotation: `?scenes=city,streets,heatmap,mosaic` (the default), in that order; the heatmap once it has
   * data, the camera-alert mosaic once there is an open alert.
   */
  function scenesNow(): Scene[] {
    const list: Scene[] = []
    for (const part of SCENES) {
      if (part === 'city') list.push({ id: 'city', kind: 'city' })
      else if (part === 'streets') for (const s of streets) list.push({ id: `street:${s.properties.code}`, kind: 'street', code: s.properties.code })
      else if (part.startsWith('street:') && areaByCode.has(part.slice(7))) list.push({ id: part, kind: 'street', code: part.slice(7) })
      else if (part === 'heatmap' && heat.count > 0) list.push({ id: 'heatmap', kind: 'heatmap' })
      else if (part === 'mosaic' && recentAlerts.size > 0) list.push({ id: 'mosaic', kind: 'mosaic' })
    }
    return list.length ? list : [{ id: 'city', kind: 'city' }]
  }

  function showScene(scene: Scene): void {
    probe.scene = scene.id
    probe.sceneSince = Date.now()
    probe.settled = false
    // A takeover's flight leaves its own padding on the map; scenes fit with theirs alone.
    map.stop()
    map.setPadding({ top: 0, right: 0, bottom: 0, left: 0 })
    heatScene = scene.kind === 'heatmap'
    heat.visible = heatScene || HEAT_ALWAYS
    highlightStreet(map, null)
    document.body.classList.toggle('mosaic-on', scene.kind === 'mosaic')
    if (scene.kind === 'mosaic') mosaic.show(mosaicAlerts(), serverNow())
    else mosaic.hide()
    if (scene.kind === 'street' && scene.code) {
      const f = areaByCode.get(scene.code)
      if (f) {
        highlightStreet(map, scene.code)
        map.fitBounds(boundsOf([f]), { padding, duration: 2500, maxZoom: 15.2, essential: true })
        sceneName.textContent = `${t('wall.scene.street')} · ${areaName(f.properties)}`
      }
    } else {
      map.fitBounds(cityBounds, { padding, duration: 2500, essential: true })
      sceneName.textContent = t(scene.kind === 'heatmap' ? 'wall.scene.heatmap' : scene.kind === 'mosaic' ? 'wall.scene.mosaic' : 'wall.scene.city')
    }
    layersDirty = true
    renderSlow()
  }

  const card = document.getElementById('takeover')!
  const mosaic = new AlertMosaic(document.getElementById('mosaic')!, 6, (id) => cameraViews.get(id))
  let takeoverMedia: { key: string; media: CameraMedia } | null = null
  /** The card's parts, made once: each second's redraw replaces their contents, never the camera's picture. */
  const cardParts = (() => {
    const part = (className: string) => Object.assign(document.createElement('div'), { className })
    const parts = { band: part('band'), info: part('info'), pictureSlot: part('picture'), rest: part('rest'), countdown: part('countdown') }
    const body = part('body')
    body.append(parts.info, parts.pictureSlot, parts.rest)
    card.append(parts.band, body, parts.countdown)
    return parts
  })()
  function showTakeover(tk: ActiveTakeover | null): void {
    probe.takeover = tk ? { key: tk.key, kind: tk.kind, until: tk.until } : null
    probe.settled = false
    probe.takeoversShown = director.shown
    document.body.classList.toggle('takeover-on', tk !== null)
    layersDirty = true
    if (!tk) {
      card.hidden = true
      takeoverLinks = []
      dropTakeoverMedia()
      return
    }
    highlightStreet(map, null)
    heatScene = false
    heat.visible = HEAT_ALWAYS
    mosaic.hide()
    document.body.classList.remove('mosaic-on')
    probe.scene = `takeover:${tk.key}`
    sceneName.textContent = t('wall.scene.takeover')
    // The card sits over the right of the map: centre the place in what is left of it.
    map.flyTo({ center: [tk.lon, tk.lat], zoom: 15, duration: 2500, padding: { ...padding, right: padding.right + takeoverCardWidth(head) }, essential: true })
    renderTakeoverCard(tk)
    card.hidden = false
  }

  function dropTakeoverMedia(): void {
    takeoverMedia?.media.destroy()
    takeoverMedia = null
  }

  /** The camera's picture on an alert's card: made once per takeover, kept while the card is redrawn each second. */
  function takeoverPicture(tk: ActiveTakeover, d: TakeoverDetail): HTMLElement | null {
    if (tk.kind !== 'alert' || !d.cameraId) {
      dropTakeoverMedia()
      return null
    }
    if (takeoverMedia?.key !== tk.key) {
      dropTakeoverMedia()
      takeoverMedia = { key: tk.key, media: cameraMedia(cameraViews.get(d.cameraId), d.snapshotUrl ?? null, mediaLabels()) }
    }
    return takeoverMedia.media.el
  }

  function nearestUnits(lon: number, lat: number, n: number): { i: number; metres: number }[] {
    const cos = Math.cos((lat * Math.PI) / 180)
    const out: { i: number; metres: number }[] = []
    for (let i = 0; i < units.count; i++) {
      if (!units.hasFix[i] || units.stale[i] || units.statusOf(i) === 'out_of_service') continue
      const dx = (units.positions[2 * i] - lon) * 111_320 * cos
      const dy = (units.positions[2 * i + 1] - lat) * 111_320
      out.push({ i, metres: Math.hypot(dx, dy) })
    }
    // Available units first, then by distance.
    out.sort((a, b) => Number(units.statusOf(a.i) !== 'available') - Number(units.statusOf(b.i) !== 'available') || a.metres - b.metres)
    return out.slice(0, n)
  }

  function renderTakeoverCard(tk: ActiveTakeover): void {
    const d = tk.detail as TakeoverDetail
    const near = nearestUnits(tk.lon, tk.lat, 3)
    takeoverLinks = near.map(({ i }) => [units.positions[2 * i], units.positions[2 * i + 1]])
    const place = d.gridCode ? placeOf(d.gridCode) : ''
    const left = Math.max(0, Math.ceil((tk.until - Date.now()) / 1000))
    const rows: [string, string][] = []
    if (d.reportedAt) rows.push([t('wall.takeover.reported'), `${hhmmss(new Date(d.reportedAt))} · ${ago(serverNow() - d.reportedAt)}`])
    if (d.deadlineAt) rows.push([t('wall.takeover.deadline'), hhmmss(new Date(d.deadlineAt))])
    if (d.camera) rows.push([t('wall.takeover.camera'), d.camera])
    if (d.score !== undefined && d.score !== null) rows.push([t('wall.takeover.score'), `${Math.round(d.score * 100)}%`])
    const { band, info, pictureSlot, rest, countdown } = cardParts
    band.replaceChildren(span(tk.kind === 'incident' ? `${t('wall.takeover.incident')} · P1` : t('wall.takeover.alert')), span(tn('wall.takeover.returns', left)))
    const h3 = document.createElement('h3')
    h3.textContent = d.title
    const placeEl = document.createElement('div')
    placeEl.className = 'place'
    placeEl.textContent = place
    const dl = document.createElement('dl')
    for (const [k, v] of rows) {
      const dt = document.createElement('dt')
      dt.textContent = k
      const dd = document.createElement('dd')
      dd.textContent = v
      dl.append(dt, dd)
    }
    info.replaceChildren(h3, placeEl, dl)
    // The playing video stays where it is: taking it out of the page, even for a moment, pauses it.
    const picture = takeoverPicture(tk, d)
    if (!picture) pictureSlot.replaceChildren()
    else if (picture.parentElement !== pictureSlot) pictureSlot.replaceChildren(picture)
    const notes: HTMLElement[] = []
    const h4 = document.createElement('h4')
    h4.textContent = t('wall.takeover.nearest')
    const ol = document.createElement('ol')
    if (near.length === 0) ol.append(li(t('wall.takeover.noUnits')))
    for (const { i, metres } of near) {
      const item = document.createElement('li')
      const dot = document.createElement('i')
      const c = STATUS_COLORS[units.statusOf(i)]
      dot.style.background = `rgb(${c[0]} ${c[1]} ${c[2]})`
      item.append(dot, span(`${units.callsign[i]} · ${t(`wall.status.${units.statusOf(i)}` as MessageKey) ?? ''}`), span(metres < 1000 ? `${Math.round(metres)} m` : `${(metres / 1000).toFixed(1)} km`))
      ol.append(item)
    }
    if (tk.kind === 'alert') {
      const note = document.createElement('div')
      note.className = 'note'
      note.textContent = t('wall.takeover.humanConfirm')
      notes.push(note)
    }
    if (director.pending > 0) {
      const q = document.createElement('div')
      q.className = 'note'
      q.textContent = tn('wall.takeover.queue', director.pending)
      notes.push(q)
    }
    rest.replaceChildren(h4, ol, ...notes)
    const bar = document.createElement('i')
    bar.style.transform = `scaleX(${Math.max(0, (tk.until - Date.now()) / TAKEOVER_MS)})`
    countdown.replaceChildren(bar)
  }

  function placeOf(gridCode: string): string {
    const g = areaByCode.get(gridCode)
    const c = g?.properties.parentCode ? areaByCode.get(g.properties.parentCode) : undefined
    const s = c?.properties.parentCode ? areaByCode.get(c.properties.parentCode) : undefined
    return [s, c, g].filter(Boolean).map((f) => areaName(f!.properties)).join(' · ')
  }

  // ---------- live ----------
  const live = new LiveFeed(['units', 'incidents', 'alerts', 'cases', 'kpi'], {
    snapshot: (layer, rows, resync) => onSnapshot(layer, rows, resync),
    units: (frame) => onUnits(frame),
    event: (layer, msg) => onEvent(layer, msg),
    state: (state, note) => onLinkState(state, note),
  })

  function onSnapshot(layer: LiveLayer, rows: unknown, resync: boolean): void {
    const now = performance.now()
    if (layer === 'units' && Array.isArray(rows)) {
      units.replaceAll(
        (rows as Array<Record<string, unknown>>).map((r) => ({
          id: String(r.id),
          callsign: r.callsign as string,
          type: r.type as string,
          status: r.status as string,
          gridCode: (r.gridCode as string | null) ?? null,
          lon: r.lon as number,
          lat: r.lat as number,
          headingDeg: (r.headingDeg as number | null) ?? null,
          speedMps: (r.speedMps as number | null) ?? null,
          deviceTimeMs: r.deviceTime ? Date.parse(r.deviceTime as string) : 0,
        })),
        now,
      )
      trailsDirty = true
    } else if (layer === 'incidents' && Array.isArray(rows)) {
      if (rows.length) incidents.replaceOpen(rows, serverNow())
      if (resync) void refreshIncidents()
    } else if (layer === 'alerts' && Array.isArray(rows)) {
      alertingCameras.clear()
      for (const a of rows as Array<{ cameraId?: string; endedAt?: string | null; state?: string }>) {
        if (a.cameraId && !a.endedAt && a.state !== 'dismissed') alertingCameras.add(a.cameraId)
      }
      applyCameraAlerts()
      recentAlerts.clear()
      for (const a of rows as AlertLike[]) {
        rememberAlert(a)
        // Acknowledged while the link was down: the takeover ends now.
        if (a.id !== undefined && a.state !== 'new') director.acknowledge(`alert:${a.id}`, Date.now())
      }
      alertsChanged()
    }
    layersDirty = true
  }

  function onUnits(frame: UnitFrame): void {
    const now = performance.now()
    for (const m of frame.moves) {
      units.applyFix(m[0], { lon: m[1], lat: m[2], headingDeg: m[3], speedMps: m[4], deviceTimeMs: m[5], gridCode: m[6] }, now)
    }
    trailsDirty = true
    lastMoveAt = now
    // A unit we have never heard of: fetch its description (callsign, type, status) soon.
    if (frame.moves.some((m) => !units.has(m[0]) || units.callsign[units.indexOf(m[0])] === m[0])) scheduleUnitRefresh(2_000)
  }

  function onEvent(layer: Exclude<LiveLayer, 'units'>, msg: LiveEvent): void {
    const at = new Date(msg.t || Date.now())
    if (layer === 'incidents') {
      const inc = IncidentStore.parse(msg.event)
      if (!inc) return
      const stored = incidents.upsert(inc, true, performance.now())
      today.upsert(inc)
      layersDirty = true
      pushTicker({ at, kind: 'incident', priority: inc.priority, tag: `P${inc.priority}`, text: incidentText(stored) })
      if (inc.priority === 1 && incidents.isOpen(inc) && Number.isFinite(inc.lon)) {
        director.request(
          {
            key: `incident:${inc.id}`,
            kind: 'incident',
            lon: inc.lon,
            lat: inc.lat,
            detail: {
              title: incidentTitle(inc),
              gridCode: inc.gridCode,
              reportedAt: inc.reportedAtMs,
              deadlineAt: inc.deadlineAtMs,
            } satisfies TakeoverDetail,
          },
          Date.now(),
        )
      }
    } else if (layer === 'alerts') {
      const e = msg.event as { op?: string; alert?: AlertLike } & AlertLike
      const a: AlertLike = e.alert ?? e
      if (!a || !a.cameraId) return
      if (a.endedAt || a.state === 'dismissed' || a.state === 'filed') alertingCameras.delete(a.cameraId)
      else alertingCameras.add(a.cameraId)
      applyCameraAlerts()
      rememberAlert(a)
      alertsChanged()
      const cam = cameras.find((c) => c.id === a.cameraId)
      const camName = cam ? cam.name : a.cameraId
      // Seen to at a console: off the wall at once, back to the rotation (or the next takeover).
      if (a.id !== undefined && a.state !== 'new' && director.acknowledge(`alert:${a.id}`, Date.now())) {
        pushTicker({ at, kind: 'alert', tag: t('wall.ticker.alert'), text: `${t('wall.alertState.acknowledged')} · ${alertType(a.type)} · ${camName}` })
      }
      const opened = (e.op ?? 'created') === 'created'
      if (!opened) return
      pushTicker({ at, kind: 'alert', tag: t('wall.ticker.alert'), text: `${alertType(a.type)} · ${camName}` })
      const lon = a.lon ?? cam?.lon
      const lat = a.lat ?? cam?.lat
      if (typeof lon === 'number' && typeof lat === 'number') {
        director.request(
          {
            key: `alert:${a.id ?? `${a.cameraId}:${a.startedAt}`}`,
            kind: 'alert',
            lon,
            lat,
            detail: {
              title: alertType(a.type),
              gridCode: a.gridCode ?? null,
              reportedAt: a.startedAt ? Date.parse(a.startedAt) : null,
              camera: camName,
              cameraId: a.cameraId,
              score: a.score ?? null,
              snapshotUrl: a.snapshotUrl ?? null,
            } satisfies TakeoverDetail,
          },
          Date.now(),
        )
      }
    } else if (layer === 'cases') {
      const e = msg.event as { kind?: string; unitId?: unknown; status?: unknown }
      if (e?.kind === 'unit_status') {
        if (typeof e.unitId === 'string' && typeof e.status === 'string' && units.has(e.unitId)) units.upsertMeta({ id: e.unitId, status: e.status })
        layersDirty = true
        return
      }
      const inc = incidents.applyStep(msg.event)
      layersDirty = true
      if (!inc) return
      today.upsert(inc)
      // Dispatching takes the unit (available -> dispatched in the same transaction) without a unit_status event.
      const taken = inc.state === 'dispatched' && inc.assignedUnitId && units.has(inc.assignedUnitId) ? units.indexOf(inc.assignedUnitId) : -1
      if (taken >= 0 && units.statusOf(taken) === 'available') units.upsertMeta({ id: inc.assignedUnitId!, status: 'dispatched' })
      const label = CASE_STATE_LABELS[inc.state as CaseState]
      const state = label ? (lang === 'en' ? label.en : label.zh) : inc.state
      // Supervision leaves the state as it was: the order is the news.
      const action = (msg.event as { action?: unknown }).action
      const what = action === 'supervise' || action === 'escalate' ? `${t(`wall.caseAction.${action}`)} · ${state}` : state
      pushTicker({ at, kind: 'case', tag: t('wall.ticker.case'), text: `#${inc.id} · ${what} · ${incidentTitle(inc)}` })
    }
  }

  let wasDown = false
  function onLinkState(state: SocketState, note: SyncNote): void {
    probe.socket = state === 'connected' ? 'connected' : 'reconnecting'
    probe.socketNote = note
    probe.resyncs = live?.resyncs ?? 0
    const now = new Date()
    if (state === 'reconnecting' && !wasDown) {
      wasDown = true
      pushTicker({ at: now, kind: 'system', tag: t('wall.feeds.socket'), text: t('wall.ticker.linkDown') })
    } else if (state === 'connected') {
      if (note === 'initial') pushTicker({ at: now, kind: 'system', tag: t('wall.feeds.socket'), text: t('wall.ticker.linkUp') })
      else if (wasDown || note === 'resynced') {
        pushTicker({ at: now, kind: 'system', tag: t('wall.feeds.socket'), text: t(note === 'recovered' ? 'wall.ticker.recovered' : note === 'resynced' ? 'wall.ticker.resynced' : 'wall.ticker.linkUp') })
      }
      wasDown = false
    }
    renderLink()
  }

  function renderLink(): void {
    const s = live.state
    const label =
      s === 'connected'
        ? live.note === 'resynced' && live.lastResyncAt && Date.now() - live.lastResyncAt < 60_000
          ? t('wall.state.resynced')
          : live.note === 'recovered'
            ? t('wall.state.recovered')
            : t('wall.state.connected')
        : s === 'reconnecting'
          ? `${t('wall.state.reconnecting')} · ${tn('wall.state.attempts', Math.max(1, live.reconnects))}`
          : t('wall.state.connecting')
    renderLinkState(s, label)
  }

  // ---------- HTTP layers (what the socket does not carry) ----------
  let unitRefreshTimer: ReturnType<typeof setTimeout> | undefined
  function scheduleUnitRefresh(inMs: number): void {
    if (unitRefreshTimer) return
    unitRefreshTimer = setTimeout(() => {
      unitRefreshTimer = undefined
      void refreshUnitMeta()
    }, inMs)
  }
  /** Callsign, type and status of every unit (the live frames carry positions only). */
  async function refreshUnitMeta(): Promise<void> {
    try {
      const fc = await fetchJson<Units>('/api/v1/units')
      for (const f of fc.features) {
        if (units.has(f.properties.id) || f.geometry) units.upsertMeta(f.properties)
      }
      layersDirty = true
    } catch {
      // The socket's snapshot has them too; the next refresh tries again.
    }
  }

  let routes = new Set<string>()
  async function refreshRoutes(): Promise<void> {
    routes = (await fetchRoutes()) ?? routes
    api.incidents = routes.has('GET /api/v1/incidents')
    api.cameras = routes.has('GET /api/v1/cameras')
    api.alerts = routes.has('GET /api/v1/camera-alerts')
    api.streams = routes.has('GET /api/v1/camera-streams')
  }

  /** Asked again every few minutes: a wall whose token may not read the evaluation (403) simply goes without. */
  async function refreshScores(): Promise<void> {
    if (!routes.has('GET /api/v1/analytics/evaluation')) {
      api.evaluation = false
      return
    }
    try {
      const to = serverNow()
      const rows = await fetchGridScores(new Date(to - EVALUATION_DAYS * 86_400_000), new Date(to))
      gridScores = new Map(rows.map((r) => [r.code, { closed: r.closed, closedOnTime: r.closedOnTime }]))
      streetScores = new Map()
      for (const [g, sc] of gridScores) {
        const street = gridToStreet.get(g)
        if (!street) continue
        const acc = streetScores.get(street) ?? { closed: 0, closedOnTime: 0 }
        acc.closed += sc.closed
        acc.closedOnTime += sc.closedOnTime
        streetScores.set(street, acc)
      }
      api.evaluation = true
    } catch (err) {
      if (err instanceof Unavailable) api.evaluation = false
      else console.warn('evaluation', err)
    }
    recomputeFill()
    renderSlow()
  }

  async function refreshIncidents(): Promise<void> {
    if (!api.incidents) return
    try {
      const now = serverNow()
      const [open, lastHour] = await Promise.all([
        fetchIncidents({ state: OPEN_CASE_STATES.join(',') }),
        fetchIncidents({ since: new Date(now - HOUR_MS).toISOString() }),
      ])
      incidents.replaceOpen(open, now)
      for (const f of lastHour) {
        const inc = IncidentStore.parse(f)
        if (inc) incidents.upsert(inc, false, 0)
      }
      for (const inc of incidents.byId.values()) today.upsert(inc)
    } catch (err) {
      if (err instanceof Unavailable) api.incidents = false
      else console.warn('incidents', err)
    }
    layersDirty = true
    renderSlow()
  }

  /** The heatmap's points as one binary attribute: deck.gl aggregates them again only when this object changes. */
  function setHeat(points: Float64Array, n: number): void {
    heat.data = { length: n, attributes: { getPosition: { value: points.subarray(0, 2 * n), size: 2 } } }
    heat.count = n
    probe.layers.heat = n
    layersDirty = true
    director.setScenes(scenesNow(), Date.now())
  }

  async function refreshHeat(): Promise<void> {
    if (!api.incidents || heatPinned) return
    try {
      const rows = await fetchIncidents({ since: new Date(serverNow() - 24 * HOUR_MS).toISOString() }, 50_000)
      const pts = new Float64Array(rows.length * 2)
      let n = 0
      for (const f of rows) {
        const inc = IncidentStore.parse(f)
        if (inc) today.upsert(inc)
        if (f.geometry?.type !== 'Point') continue
        pts[2 * n] = f.geometry.coordinates[0]
        pts[2 * n + 1] = f.geometry.coordinates[1]
        n++
      }
      setHeat(pts, n)
    } catch (err) {
      if (!(err instanceof Unavailable)) console.warn('heat', err)
    }
  }

  async function refreshCameras(): Promise<void> {
    if (!api.cameras) return
    try {
      const fc = await fetchJson<Cameras>('/api/v1/cameras')
      api.cameras = true
      lastCamerasAt = Date.now()
      cameras = fc.features.map((f) => ({
        id: f.properties.id,
        name: areaName({ name: f.properties.name, nameEn: f.properties.nameEn }),
        lon: f.geometry.coordinates[0],
        lat: f.geometry.coordinates[1],
        status: f.properties.status,
        wedge: wedge(f.geometry.coordinates[0], f.geometry.coordinates[1], f.properties.headingDeg, f.properties.fovDeg, f.properties.rangeM),
        alerting: alertingCameras.has(f.properties.id),
      }))
      cameraCounts = { online: cameras.filter((c) => c.status === 'online').length, total: cameras.length }
      camerasVersion++
      layersDirty = true
    } catch (err) {
      if (err instanceof Unavailable) api.cameras = false
      else console.warn('cameras', err)
    }
  }

  /** Keeps open alerts for the mosaic; filed and dismissed ones leave it. */
  function rememberAlert(a: AlertLike): void {
    if (a.id === undefined || !a.cameraId) return
    const key = `alert:${a.id}`
    if (a.state === 'filed' || a.state === 'dismissed') recentAlerts.delete(key)
    else recentAlerts.set(key, { ...recentAlerts.get(key), ...a })
    if (recentAlerts.size > MAX_RECENT_ALERTS) {
      const oldest = [...recentAlerts.entries()].sort(([, x], [, y]) => Number(x.id) - Number(y.id))[0][0]
      recentAlerts.delete(oldest)
    }
  }

  function alertsChanged(): void {
    probe.layers.alerts = recentAlerts.size
    director.setScenes(scenesNow(), Date.now())
    if (mosaic.visible) mosaic.show(mosaicAlerts(), serverNow())
  }

  /** The open alerts, newest first, as mosaic tiles. */
  function mosaicAlerts(): MosaicAlert[] {
    return [...recentAlerts.entries()]
      .sort(([, x], [, y]) => Number(y.id) - Number(x.id))
      .map(([key, a]) => {
        const cam = cameras.find((c) => c.id === a.cameraId)
        return {
          key,
          cameraId: a.cameraId!,
          cameraName: cam ? cam.name : a.cameraId!,
          typeLabel: alertType(a.type),
          place: a.gridCode ? placeOf(a.gridCode) : '',
          startedAt: a.startedAt ? Date.parse(a.startedAt) : null,
          state: a.state ?? 'new',
          score: a.score ?? null,
          snapshotUrl: a.snapshotUrl ?? null,
        }
      })
  }

  async function refreshCameraViews(): Promise<void> {
    if (!api.streams) return
    try {
      cameraViews = await fetchCameraViews()
    } catch {
      // Without them every camera shows its alert's snapshot; asked again in a minute.
    }
  }

  function applyCameraAlerts(): void {
    for (const c of cameras) c.alerting = alertingCameras.has(c.id)
    camerasVersion++
    layersDirty = true
  }

  async function refreshCategories(): Promise<void> {
    if (!routes.has('GET /api/v1/categories')) return
    try {
      categoryNames = await fetchCategoryNames()
    } catch {
      // Codes stand in for names.
    }
  }

  let readiness: Readiness | null = null
  let readinessAt: number | null = null
  async function refreshReadiness(): Promise<void> {
    try {
      readiness = await fetchReadiness()
      readinessAt = Date.now()
    } catch {
      // The server is away: the live link row already says so.
    }
  }

  const SOURCE_NAMES: Record<string, string> = {
    'osmand-http': 'OsmAnd',
    'owntracks-http': 'OwnTracks',
    'owntracks-mqtt': 'OwnTracks MQTT',
    frigate: 'Frigate',
  }
  function sourceRows(wallNow: number): FeedRow[] {
    if (!readiness) return []
    const down = Object.entries(readiness.checks ?? {}).filter(([, c]) => !c.ok).map(([k]) => k)
    const rows: FeedRow[] = [
      {
        id: 'server',
        name: t('wall.source.server'),
        health: down.length ? 'down' : 'ok',
        detail: down.length ? tn('wall.source.down', down.join(', ')) : ago(wallNow - (readinessAt ?? wallNow)),
      },
    ]
    for (const f of readiness.feeds ?? []) {
      const key = `wall.source.${f.feed}` as MessageKey
      const name = SOURCE_NAMES[f.feed] ?? (t(key) || f.feed)
      const last = f.lastMessageAt ? Date.parse(f.lastMessageAt) : null
      const rejectedLast = f.lastRejectedAt && (!f.lastOkAt || f.lastRejectedAt > f.lastOkAt)
      const h = layerHealth(last === null ? null : last - live.serverOffsetMs, wallNow, 5 * 60_000)
      rows.push({ id: `source:${f.feed}`, name, health: rejectedLast ? 'warn' : h.health, detail: h.detail })
    }
    return rows
  }

  // ---------- per-second work ----------
  function recomputeFill(): void {
    const m = effectiveMeasure()
    if (m === 'onTimeRate') return setFill(scoreColours(), RATE_BREAKS)
    const values = new Map<string, number>()
    if (m === 'units') {
      for (let i = 0; i < units.count; i++) {
        const g = units.grid[i]
        if (g && units.hasFix[i] && !units.stale[i]) values.set(g, (values.get(g) ?? 0) + 1)
      }
    } else {
      const per = incidents.perGrid(serverNow())
      for (const [k, v] of m === 'openCases' ? per.open : m === 'overdueCases' ? per.overdue : per.lastHour) values.set(k, v)
    }
    const max = Math.max(0, ...values.values())
    const breaks = classBreaks(max)
    const colors = new Map<string, Rgba>()
    for (const [code, v] of values) {
      const c = classOf(v, breaks)
      if (c >= 0) colors.set(code, CLASS_COLORS[c])
    }
    setFill(colors, breaks)
  }

  /** Grids by on-time rate class; a grid with no closed case in the window has no rate and no fill. */
  function scoreColours(): Map<string, Rgba> {
    const colors = new Map<string, Rgba>()
    for (const [code, s] of gridScores) if (s.closed > 0) colors.set(code, RATE_COLORS[classOf(s.closedOnTime / s.closed, RATE_BREAKS)])
    return colors
  }

  function setFill(colors: Map<string, Rgba>, breaks: number[]): void {
    const changed = colors.size !== fill.colors.size || [...colors].some(([k, v]) => fill.colors.get(k) !== v) || breaks.join() !== fill.breaks.join()
    if (changed) {
      fill = { colors, version: fill.version + 1, breaks }
      probe.filledGrids = colors.size
      layersDirty = true
    }
  }

  function refreshStaleLabels(): void {
    const now = serverNow()
    const items: { position: [number, number]; text: string }[] = []
    for (let i = 0; i < units.count; i++) {
      if (!units.stale[i]) continue
      items.push({ position: [units.positions[2 * i], units.positions[2 * i + 1]], text: shortAge(now - units.deviceTime[i]) })
    }
    const key = items.map((x) => x.text + x.position.join()).join('|')
    if (key !== (staleLabels as { key?: string }).key) {
      staleLabels = Object.assign({ items, version: staleLabels.version + 1 }, { key })
      layersDirty = true
    }
  }

  function renderSlow(): void {
    const now = serverNow()
    renderClock(new Date(now))
    renderLink()
    const m = effectiveMeasure()
    probe.measure = m
    renderLegend({
      measure: m,
      available: measureAvailable,
      formula: lang === 'en' ? EVALUATION_FORMULAS.onTimeRate.en : EVALUATION_FORMULAS.onTimeRate.zh,
      breaks: fill.breaks,
      showFill: !heatScene,
      onPick: (x) => {
        measure = x
        const url = new URL(location.href)
        url.searchParams.set('measure', x)
        history.replaceState(null, '', url)
        recomputeFill()
        renderSlow()
      },
    })

    // KPIs
    let reporting = 0
    let available = 0
    let busy = 0
    for (let i = 0; i < units.count; i++) {
      if (!units.hasFix[i] || units.stale[i]) continue
      reporting++
      const s = units.statusOf(i)
      if (s === 'available' || s === 'cleared') available++
      else if (s === 'dispatched' || s === 'en_route' || s === 'on_scene') busy++
    }
    const inc = api.incidents ? incidents.counts(now) : null
    const kpis: Kpi[] = [
      { key: 'wall.kpi.unitsOnline', value: reporting, sub: staleCount ? tn('wall.kpi.stale', staleCount) : tn('wall.kpi.ofTotal', units.count), tone: 'ok' },
      { key: 'wall.kpi.unitsAvailable', value: available, sub: tn('wall.kpi.ofTotal', units.count) },
      { key: 'wall.kpi.unitsBusy', value: busy, tone: busy ? 'warn' : undefined },
      { key: 'wall.kpi.incidents1h', value: inc?.lastHour ?? null, sub: inc ? undefined : t('wall.kpi.unavailable') },
      { key: 'wall.kpi.openCases', value: inc?.open ?? null, sub: inc ? tn('wall.kpi.p1', inc.p1Open) : t('wall.kpi.unavailable'), tone: inc && inc.p1Open ? 'warn' : undefined },
      { key: 'wall.kpi.overdue', value: inc?.overdue ?? null, sub: inc ? undefined : t('wall.kpi.unavailable'), tone: inc && inc.overdue ? 'alarm' : undefined },
    ]
    if (api.incidents) {
      const day = today.figures(dayStart(now))
      const formula = (f: { zh: string; en: string }) => (lang === 'en' ? f.en : f.zh)
      kpis.push(
        {
          key: 'wall.kpi.responseToday',
          value: day.meanResponseMinutes,
          text: day.meanResponseMinutes === null ? '—' : day.meanResponseMinutes < 10 ? day.meanResponseMinutes.toFixed(1) : String(Math.round(day.meanResponseMinutes)),
          sub: tn('wall.kpi.dispatchedToday', day.dispatched),
          title: formula(TODAY_FORMULAS.meanResponseMinutes),
        },
        {
          key: 'wall.kpi.closureToday',
          value: day.closureRate,
          text: day.closureRate === null ? '—' : `${Math.round(day.closureRate * 100)}%`,
          sub: tn('wall.kpi.closedOfFiled', `${day.closed}/${day.filed}`),
          title: formula(TODAY_FORMULAS.closureRate),
        },
      )
    }
    renderKpis(kpis)

    // League
    const per = api.incidents ? incidents.perGrid(now) : null
    const rows = new Map<string, LeagueRow>(
      streets.map((s) => [s.properties.code, { code: s.properties.code, name: areaName(s.properties, true), units: 0, incidents1h: per ? 0 : null, open: per ? 0 : null, overdue: per ? 0 : null, onTimeRate: null }]),
    )
    for (const [code, sc] of streetScores) {
      const r = rows.get(code)
      if (r && sc.closed > 0) r.onTimeRate = sc.closedOnTime / sc.closed
    }
    for (let i = 0; i < units.count; i++) {
      const g = units.grid[i]
      if (!g || !units.hasFix[i] || units.stale[i]) continue
      const r = rows.get(gridToStreet.get(g) ?? '')
      if (r) r.units++
    }
    if (per) {
      const add = (src: Map<string, number>, k: 'incidents1h' | 'open' | 'overdue') => {
        for (const [g, v] of src) {
          const r = rows.get(gridToStreet.get(g) ?? '')
          if (r) r[k] = (r[k] ?? 0) + v
        }
      }
      add(per.lastHour, 'incidents1h')
      add(per.open, 'open')
      add(per.overdue, 'overdue')
    }
    const key = m === 'units' ? 'units' : m === 'openCases' ? 'open' : m === 'overdueCases' ? 'overdue' : 'incidents1h'
    // By rate, the worst first (the bottom-N to follow up), streets without closed cases last.
    const sorted = [...rows.values()].sort((a, b) =>
      (m === 'onTimeRate' ? (a.onTimeRate ?? 2) - (b.onTimeRate ?? 2) : (b[key] ?? 0) - (a[key] ?? 0)) || b.units - a.units || a.code.localeCompare(b.code))
    const current = director.takeover ? null : director.scene.kind === 'street' ? (director.scene.code ?? null) : null
    renderLeague(sorted, t(`wall.measure.${m}` as MessageKey), current)

    // Feed health
    const wallNow = Date.now()
    const feed = (id: string, key: MessageKey, lastAt: number | null, every: number | null, availability: boolean | null = true, snapshotAt: number | null = null): FeedRow => {
      if (availability === false) return { id, name: t(key), health: 'na', detail: t('wall.feed.unavailable') }
      // Subscribed, snapshot in, nothing pushed since: say so rather than pass the snapshot off as traffic.
      if (lastAt === null && snapshotAt !== null) return { id, name: t(key), health: 'idle', detail: t('wall.feed.subscribed') }
      return { id, name: t(key), ...layerHealth(lastAt, wallNow, every) }
    }
    const snap = live.lastSnapshotAt
    const socketRow: FeedRow = {
      id: 'socket',
      name: t('wall.feeds.socket'),
      health: live.state === 'connected' ? 'ok' : 'down',
      detail: document.querySelector('#link-state span')?.textContent ?? '',
    }
    const unitsRow = feed('units', 'wall.feed.units', live.lastMessageAt.units, 15_000, true, snap.units)
    if (unitsRow.health !== 'idle') unitsRow.detail = `${unitsRow.detail} · ${formatInt(reporting)}/${formatInt(units.count)}`
    const camerasRow = feed('cameras', 'wall.feed.cameras', lastCamerasAt, null, api.cameras)
    if (api.cameras) camerasRow.detail = `${formatInt(cameraCounts.online)}/${formatInt(cameraCounts.total)} · ${camerasRow.detail}`
    renderFeeds([
      socketRow,
      unitsRow,
      feed('incidents', 'wall.feed.incidents', live.lastMessageAt.incidents, null, api.incidents, snap.incidents),
      feed('alerts', 'wall.feed.alerts', live.lastMessageAt.alerts, null, api.alerts, snap.alerts),
      feed('cases', 'wall.feed.cases', live.lastMessageAt.cases, null, true, snap.cases),
      feed('kpi', 'wall.feed.kpi', live.lastMessageAt.kpi, null, true, snap.kpi),
      camerasRow,
    ], sourceRows(wallNow))

    probe.layers.units = units.count
    probe.layers.unitsWithFix = reporting + staleCount
    probe.layers.incidents = incidents.drawable().length
    probe.layers.dispatchLines = dispatchLines.links.length
    probe.dispatchLabels = dispatchLines.links.map(dispatchLabel.labelOf)
    probe.layers.cameras = cameras.length
    probe.layers.heat = heat.count
    probe.resyncs = live.resyncs
    probe.takeoversShown = director.shown
  }

  function everySecond(): void {
    const now = serverNow()
    staleCount = units.refreshStale(now)
    refreshStaleLabels()
    incidents.prune(now)
    recomputeFill()
    director.tick(Date.now())
    const tk = director.takeover
    if (tk) renderTakeoverCard(tk)
    mosaic.refresh(mosaicAlerts(), now)
    renderSlow()
  }

  let shownCache = { key: '', items: [] as CameraItem[] }
  /** All cameras from street zoom on; city-wide only those with an open alert. */
  function camerasShown(): CameraItem[] {
    const close = map.getZoom() >= 12.5
    const key = `${close}:${camerasVersion}`
    if (shownCache.key !== key) shownCache = { key, items: close ? cameras : cameras.filter((c) => c.alerting) }
    return shownCache.items
  }

  // ---------- animation ----------
  let drawnIncidents = { version: -1, items: [] as WallIncident[] }
  /** Units or dispatch lines moved since the layers were last handed over (a paced frame may skip them). */
  let movedSinceDrawn = false
  const pacer = new RedrawPacer()
  function frame(): void {
    const now = performance.now()
    director.tick(Date.now())
    const zoom = map.getZoom()
    const moved = units.frame(now, halfPixel(zoom, map.getCenter().lat))
    const due = pacer.frame(now)
    probe.settled = !map.isMoving() && map.areTilesLoaded()
    if (moved) lastMoveAt = now
    if (trailsDirty && due && now - lastTrailBuild > 200 && trailsShown(zoom)) {
      // Vertices closer than a pixel and a half leave no mark on a 3 px line (512 px tiles: 360° / 512 / 2^zoom a pixel).
      trails = units.buildTrails(now, TRAIL_WINDOW_S * 1000, (1.5 * 360) / 512 / 2 ** zoom)
      trailsDirty = false
      lastTrailBuild = now
      layersDirty = true
    }
    if (drawnIncidents.version !== incidents.version) drawnIncidents = { version: incidents.version, items: incidents.drawable() }
    const pulsing = drawnIncidents.items.some((i) => i.arrivedAt !== null && now - i.arrivedAt < 60_000)
    if (dispatchLines.update(drawnIncidents.items, (id) => units.positionOf(id), serverNow()) || moved) movedSinceDrawn = true
    // Where trails are not drawn, they have nothing to fade.
    const fading = trailsShown(zoom) && now - lastMoveAt < TRAIL_WINDOW_S * 1000
    const dwell = document.getElementById('dwell-bar')!
    dwell.style.width = `${(director.takeover ? Math.max(0, (director.takeover.until - Date.now()) / TAKEOVER_MS) : director.progress(Date.now())) * 100}%`
    if (due && (movedSinceDrawn || fading || pulsing || layersDirty || director.takeover)) {
      layersDirty = movedSinceDrawn = false
      pacer.drawn()
      const tk = director.takeover
      const inputs: LayerInputs = {
        now,
        zoom,
        gridAreas: grid,
        fill: { colorOf: (code) => fill.colors.get(code) ?? null, version: fill.version, visible: !heatScene },
        units,
        trails,
        trailWindowS: TRAIL_WINDOW_S,
        origin: layerOrigin,
        incidents: { items: drawnIncidents.items, version: incidents.version, isOverdue: (i) => incidents.isOverdue(i, serverNow()) },
        cameras: { items: cameras, shown: camerasShown(), version: camerasVersion },
        heat,
        staleLabels,
        dispatch: { lines: dispatchLines, labelOf: dispatchLabel.labelOf },
        takeover: tk ? { lon: tk.lon, lat: tk.lat, startedAt: tk.startedAt, links: takeoverLinks } : null,
        atlas,
      }
      const base = baseLayers.build(inputs)
      if (base) underlay.setProps({ layers: base.filter((l) => !HIDDEN.has(l.id)) })
      overlay.setProps({ layers: buildLiveLayers(inputs).filter((l) => !HIDDEN.has(l.id)) })
      probe.frames++
    }
    requestAnimationFrame(frame)
  }

  // ---------- start ----------
  probe.unitPosition = (id) => units.positionOf(id)
  probe.measure = effectiveMeasure()
  tickerEmpty()
  await refreshRoutes()
  await Promise.all([refreshIncidents(), refreshCameras(), refreshCameraViews(), refreshHeat(), refreshReadiness(), refreshCategories(), refreshScores()])
  recomputeFill()
  director.setScenes(scenesNow(), Date.now())
  requestAnimationFrame(frame)
  director.start(Date.now())
  setInterval(everySecond, 1000)
  // What the server does not have yet is asked for again now and then, so it appears without a reload.
  setInterval(async () => {
    const before = { ...api }
    await refreshRoutes()
    if (api.incidents && !before.incidents) await Promise.all([refreshIncidents(), refreshHeat()])
    if (api.cameras && !before.cameras) await refreshCameras()
    renderSlow()
  }, UNAVAILABLE_RETRY_MS)
  setInterval(() => void refreshUnitMeta(), 30_000)
  setInterval(() => void refreshReadiness(), 10_000)
  setInterval(() => void refreshCameras(), 5 * 60_000)
  setInterval(() => void refreshCameraViews(), 60_000)
  setInterval(() => void refreshHeat(), 5 * 60_000)
  setInterval(() => void refreshScores(), 10 * 60_000)
  await map.once('idle')
  status.hidden = true
  renderSlow()
  // Ready once the map has drawn and the first unit snapshot is in.
  const waitReady = () => {
    if (live.lastSnapshotAt.units !== null) probe.ready = true
    else setTimeout(waitReady, 100)
  }
  waitReady()
}

// ---------- helpers ----------

interface TakeoverDetail {
  title: string
  gridCode: string | null
  reportedAt: number | null
  deadlineAt?: number | null
  camera?: string
  cameraId?: string
  score?: number | null
  snapshotUrl?: string | null
}

interface AlertLike {
  id?: number
  cameraId?: string
  type?: string
  score?: number | null
  startedAt?: string
  endedAt?: string | null
  state?: string
  snapshotUrl?: string | null
  gridCode?: string | null
  lon?: number | null
  lat?: number | null
}

/** Category names by code (GET /api/v1/categories), when the server has the catalogue. */
let categoryNames = new Map<string, { zh: string; en: string }>()

function incidentTitle(i: WallIncident): string {
  const cat = i.categoryCode ? categoryNames.get(i.categoryCode) : undefined
  const name = cat ? (lang === 'en' ? cat.en : cat.zh) : (i.categoryCode ?? '')
  const desc = i.description?.trim().slice(0, 48) ?? ''
  if (!desc || desc === name) return name || `#${i.id}`
  return name ? `${name} · ${desc}` : desc
}

function incidentText(i: WallIncident): string {
  return `${incidentTitle(i)}${i.address ? ` · ${i.address}` : ''}`
}

/** Detector labels the wall names in the page language; others are shown as they come. */
function alertType(type: string | undefined): string {
  if (!type) return t('wall.takeover.alert')
  const key = `wall.alertType.${type}` as MessageKey
  return t(key) ?? type
}

function span(text: string): HTMLSpanElement {
  const s = document.createElement('span')
  s.textContent = text
  return s
}

function li(text: string): HTMLLIElement {
  const l = document.createElement('li')
  l.textContent = text
  return l
}

function boundsOf(features: Feature<Polygon | MultiPolygon, unknown>[]): LngLatBounds {
  const b = new LngLatBounds()
  for (const f of features) {
    const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates
    for (const [x, y] of polygons.flatMap((p) => p[0])) b.extend([x, y])
  }
  return b
}

/** A camera's field of view as a polygon: its position and an arc of `rangeM` across `fovDeg` about `headingDeg`. */
function wedge(lon: number, lat: number, headingDeg: number, fovDeg: number, rangeM: number): [number, number][] {
  const pts: [number, number][] = [[lon, lat]]
  const mLon = 111_320 * Math.cos((lat * Math.PI) / 180)
  const steps = 10
  for (let k = 0; k <= steps; k++) {
    const a = ((headingDeg - fovDeg / 2 + (fovDeg * k) / steps) * Math.PI) / 180
    pts.push([lon + (Math.sin(a) * rangeM) / mLon, lat + (Math.cos(a) * rangeM) / 111_320])
  }
  pts.push([lon, lat])
  return pts
}

/**
 * Area outlines and names: the map page's MapLibre layers (tiled and simplified per zoom by MapLibre, far cheaper
 * than full-resolution deck.gl paths on a software renderer), sized up for reading across the room, plus a
 * highlight line for the street a scene shows.
 */
function addWallAreas(map: MapLibreMap, areas: Record<GridLevel, Areas>): void {
  for (let i = GRID_LEVELS.length - 1; i >= 0; i--) addGridLevel(map, GRID_LEVELS[i], areas[GRID_LEVELS[i]] as Grids, 'dark', lang)
  const sizes: Record<GridLevel, number> = { street: 24, community: 17, grid: 14 }
  for (const level of GRID_LEVELS) {
    map.setLayoutProperty(`grids-${level}-label`, 'text-size', sizes[level])
    map.setPaintProperty(`grids-${level}-label`, 'text-halo-width', 2.4)
  }
  // Points of interest only for police stations: red and pink dots elsewhere would read as incidents.
  map.setFilter('poi', ['==', ['get', 'class'], 'police'])
  map.setFilter('poi-label', ['all', ['has', 'name'], ['==', ['get', 'class'], 'police']])
  map.setPaintProperty('grids-street-line', 'line-width', ['interpolate', ['linear'], ['zoom'], 10, 2.6, 14, 4, 17, 5.5])
  map.addLayer(
    {
      id: 'wall-street-highlight-glow',
      type: 'line',
      source: 'grids-street',
      filter: ['==', ['get', 'code'], ''],
      layout: { 'line-join': 'round' },
      paint: { 'line-color': '#38bdf8', 'line-width': 16, 'line-opacity': 0.28, 'line-blur': 6 },
    },
    BELOW_LABELS,
  )
  map.addLayer(
    {
      id: 'wall-street-highlight',
      type: 'line',
      source: 'grids-street',
      filter: ['==', ['get', 'code'], ''],
      layout: { 'line-join': 'round' },
      paint: { 'line-color': '#e0f2fe', 'line-width': 4 },
    },
    BELOW_LABELS,
  )
}

function highlightStreet(map: MapLibreMap, code: string | null): void {
  for (const id of ['wall-street-highlight-glow', 'wall-street-highlight']) map.setFilter(id, ['==', ['get', 'code'], code ?? ''])
}
