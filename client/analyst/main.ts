import { LngLatBounds, Map as MapLibreMap, Popup, setWorkerUrl, type ExpressionSpecification, type GeoJSONSource } from 'maplibre-gl'
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url'
import { lang, t, translatePage, type MessageKey } from '../i18n.ts'
import { basemapStyle } from '../map/basemap-style.ts'
import { apiUrlOfView, searchOfView, viewFromSearch, type AnalystView, type Layer } from './analyst-view.ts'
import { CHANGE_CLASSES, CLASS_COLOURS, HOTSPOT_CLASSES, SEQUENTIAL } from './layer-colours.ts'
import type { CellCollection, RasterMeta, WorkerReply } from './analysis.worker.ts'

/** Read by the browser tests as `window.__gridwatch`: the current view is drawn (or failed). */
export interface AnalystProbe {
  ready: boolean
  layer?: Layer
  /** Cells drawn (KDE: raster cells). */
  features: number
  error?: string
}
const probe: AnalystProbe = { ready: false, features: 0 }
;(window as unknown as { __gridwatch: AnalystProbe }).__gridwatch = probe

setWorkerUrl(workerUrl)
translatePage()
document.title = `${t('page.analyst')} · ${t('app.name')}`

const form = document.getElementById('controls') as HTMLFormElement
const status = document.getElementById('status')!
const legend = document.getElementById('legend')!
const cancelButton = document.getElementById('cancel') as HTMLButtonElement
let view = viewFromSearch(location.search)
let shown: { kind: 'cells'; collection: CellCollection } | { kind: 'raster'; raster: RasterMeta } | null = null
let fitted = false

const map = new MapLibreMap({
  container: 'map',
  style: basemapStyle({ theme: 'light', lang, origin: location.origin }),
  center: [-56.17, -34.87],
  zoom: 11,
  // Kept so the PNG export can read the map's pixels.
  canvasContextAttributes: { preserveDrawingBuffer: true },
  attributionControl: { compact: false },
})

// The statistics run on the server; fetching, parsing and colouring run in this worker, never on the page's thread.
let worker = newWorker()
let pending: { id: number; resolve: (r: WorkerReply) => void } | null = null
let nextId = 1
function newWorker(): Worker {
  const w = new Worker(new URL('./analysis.worker.ts', import.meta.url), { type: 'module' })
  w.onmessage = (e: MessageEvent<WorkerReply>) => {
    if (pending && e.data.id === pending.id) pending.resolve(e.data)
  }
  return w
}

fillForm(view)
form.addEventListener('change', () => showFieldsets(readForm().layer))
form.addEventListener('submit', (e) => {
  e.preventDefault()
  view = readForm()
  history.pushState(null, '', searchOfView(view, location.search))
  void draw()
})
window.addEventListener('popstate', () => {
  view = viewFromSearch(location.search)
  fillForm(view)
  void draw()
})
for (const b of form.querySelectorAll<HTMLButtonElement>('.presets button')) {
  b.addEventListener('click', () => {
    const to = new Date()
    const from = new Date(to.getTime() - Number(b.dataset.days) * 86_400_000)
    field('from').value = localDate(from)
    field('to').value = ''
    form.requestSubmit()
  })
}
cancelButton.addEventListener('click', () => {
  worker.terminate()
  worker = newWorker()
  pending?.resolve({ id: pending.id, ok: false, status: 0, message: t('analyst.cancelled') })
})
document.getElementById('export-geojson')!.addEventListener('click', () => exportGeoJson())
document.getElementById('export-csv')!.addEventListener('click', () => exportCsv())
document.getElementById('export-png')!.addEventListener('click', () => exportPng())

map.on('load', () => {
  map.addSource('cells', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } })
  map.addLayer({ id: 'cells-fill', type: 'fill', source: 'cells', paint: { 'fill-color': '#ccc', 'fill-opacity': 0.7 } })
  map.addLayer({ id: 'cells-line', type: 'line', source: 'cells', paint: { 'line-color': '#555', 'line-width': 0.4, 'line-opacity': 0.5 } })
  map.on('click', 'cells-fill', (e) => {
    const p = e.features?.[0]?.properties
    if (!p) return
    const rows = Object.entries(p).filter(([, v]) => v !== null && v !== 'null')
    new Popup().setLngLat(e.lngLat).setHTML(`<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(String(v))}</td></tr>`).join('')}</table>`).addTo(map)
  })
  void draw()
})

async function draw(): Promise<void> {
  probe.ready = false
  probe.error = undefined
  const started = performance.now()
  status.classList.remove('error')
  cancelButton.hidden = false
  const tick = setInterval(() => (status.textContent = `${t('analyst.computing')} ${((performance.now() - started) / 1000).toFixed(1)} s`), 200)
  status.textContent = t('analyst.computing')
  const id = nextId++
  const reply = await new Promise<WorkerReply>((resolve) => {
    pending = { id, resolve }
    worker.postMessage({ id, url: apiUrlOfView(view) })
  })
  clearInterval(tick)
  pending = null
  cancelButton.hidden = true
  if (!reply.ok) {
    status.textContent = `${t('analyst.failed')}: ${reply.message}`
    status.classList.add('error')
    probe.error = reply.message
    return
  }
  if (reply.kind === 'cells') showCells(reply.collection, reply.breaks)
  else showRaster(reply.raster, reply.pixels)
  status.textContent = `${t('analyst.done')} ${((performance.now() - started) / 1000).toFixed(1)} s`
  await map.once('idle')
  probe.layer = view.layer
  probe.ready = true
}

function showCells(fc: CellCollection, breaks: number[]): void {
  removeRaster()
  shown = { kind: 'cells', collection: fc }
  ;(map.getSource('cells') as GeoJSONSource).setData(fc as unknown as GeoJSON.FeatureCollection)
  let colour: ExpressionSpecification
  let rows: Array<[string, string]>
  if (view.layer === 'counts') {
    colour = breaks.length
      ? ['step', ['to-number', ['get', 'perKm2'], 0], 'rgba(0,0,0,0)', 1e-9, SEQUENTIAL[0], ...breaks.slice(0, -1).flatMap((b, i) => [b + 1e-9, SEQUENTIAL[i + 1]] as [number, string])]
      : ['literal', 'rgba(0,0,0,0)']
    rows = breaks.map((b, i) => [SEQUENTIAL[i], `≤ ${b.toFixed(1)} / km²`])
  } else {
    const classes = view.layer === 'compare' ? CHANGE_CLASSES : HOTSPOT_CLASSES
    colour = ['match', ['get', 'class'], ...classes.flatMap((c) => [c, CLASS_COLOURS[c]]), '#f7f7f7'] as unknown as ExpressionSpecification
    rows = classes.map((c) => [CLASS_COLOURS[c], classLabel(c)])
  }
  map.setPaintProperty('cells-fill', 'fill-color', colour)
  map.setPaintProperty('cells-fill', 'fill-opacity', ['match', ['get', 'class'], 'not-significant', 0.15, 0.7])
  probe.features = fc.features.length
  const m = fc.meta
  const notes = [
    `${String(m.from).slice(0, 10)} – ${String(m.to).slice(0, 10)}`,
    `${t('analyst.total')}: ${m.total} · ${t('analyst.cellCount')}: ${m.cellCount}`,
    view.layer === 'hotspots' ? `Gi* · ${t(m.weights === 'queen' ? 'analyst.weights.queen' : 'analyst.weights.distance')}${m.bandM ? ` ${m.bandM} m` : ''} · ${t('analyst.fdrNote')}` : '',
    view.layer === 'compare' ? `${t('analyst.compareNote')} ${String((m.before as { from: string }).from).slice(0, 10)}` : '',
  ]
  renderLegend(t(`analyst.layer.${view.layer}` as MessageKey), rows, notes.filter(Boolean))
  if (!fitted && fc.features.length) fit(fc)
}

function showRaster(r: RasterMeta, pixels: Uint8ClampedArray): void {
  shown = { kind: 'raster', raster: r }
  ;(map.getSource('cells') as GeoJSONSource).setData({ type: 'FeatureCollection', features: [] })
  const canvas = document.createElement('canvas')
  canvas.width = r.cols
  canvas.height = r.rows
  canvas.getContext('2d')!.putImageData(new ImageData(pixels as unknown as Uint8ClampedArray<ArrayBuffer>, r.cols, r.rows), 0, 0)
  const coordinates: [[number, number], [number, number], [number, number], [number, number]] = [
    [r.west, r.north], [r.east, r.north], [r.east, r.south], [r.west, r.south],
  ]
  // A canvas source: no image URL to fetch (the page's CSP allows fetches from the server only).
  removeRaster()
  map.addSource('kde', { type: 'canvas', canvas, coordinates, animate: false })
  map.addLayer({ id: 'kde-raster', type: 'raster', source: 'kde', paint: { 'raster-opacity': 0.85, 'raster-resampling': 'linear' } }, 'cells-fill')
  probe.features = r.cols * r.rows
  renderLegend(t('analyst.layer.kde'), SEQUENTIAL.map((c, i) => [c, `${((r.max * (i + 1)) / SEQUENTIAL.length).toFixed(1)} / km²`]), [
    `${r.from.slice(0, 10)} – ${r.to.slice(0, 10)} · ${t('analyst.total')}: ${r.total}`,
    `${t('analyst.kdeNote')} h = ${Math.round(r.bandwidthM)} m (${t(r.bandwidthRule === 'automatic' ? 'analyst.auto' : 'analyst.chosen')}), ${r.cellM} m`,
  ])
  if (!fitted) {
    map.fitBounds([[r.west, r.south], [r.east, r.north]], { padding: 30, animate: false })
    fitted = true
  }
}

function removeRaster(): void {
  if (map.getLayer('kde-raster')) map.removeLayer('kde-raster')
  if (map.getSource('kde')) map.removeSource('kde')
}

function renderLegend(title: string, rows: Array<[string, string]>, notes: string[]): void {
  legend.innerHTML = `<h2>${esc(title)}</h2>${rows.map(([c, label]) => `<div class="row"><span class="swatch" style="background:${c}"></span>${esc(label)}</div>`).join('')}${notes.map((n) => `<div class="note">${esc(n)}</div>`).join('')}<div class="note">${esc(t('analyst.source.note'))}</div>`
}

function classLabel(c: string): string {
  if (c === 'not-significant') return t('analyst.class.ns')
  const [dir, level] = c.split('-')
  return `${t(`analyst.class.${dir}` as MessageKey)} ${level}%`
}

function fit(fc: CellCollection): void {
  const b = new LngLatBounds()
  for (const f of fc.features) {
    const g = f.geometry as GeoJSON.Polygon | GeoJSON.MultiPolygon
    const rings = g.type === 'Polygon' ? [g.coordinates[0]] : g.coordinates.map((p) => p[0])
    for (const ring of rings) for (const [x, y] of ring) b.extend([x, y])
  }
  map.fitBounds(b, { padding: 30, animate: false })
  fitted = true
}

function field(name: string): HTMLInputElement | HTMLSelectElement {
  return form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement
}

/** Dates in the form are local calendar days; the view keeps instants, so a shared link means the same window. */
function readForm(): AnalystView {
  const data = new FormData(form)
  const params: Record<string, string> = {}
  for (const [k, v] of data) if (k !== 'layer' && typeof v === 'string' && v.trim()) params[k] = v.trim()
  for (const k of ['from', 'to']) if (params[k]) params[k] = new Date(`${params[k]}T00:00:00`).toISOString()
  return { layer: data.get('layer') as Layer, params }
}

function fillForm(v: AnalystView): void {
  field('layer').value = v.layer
  for (const el of form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input[name], select[name]')) {
    if (el.name === 'layer') continue
    const value = v.params[el.name]
    if (el.name === 'from' || el.name === 'to') el.value = value ? localDate(new Date(value)) : ''
    else if (value !== undefined) el.value = value
  }
  showFieldsets(v.layer)
}

function showFieldsets(layer: Layer): void {
  const cellsLayer = layer !== 'kde'
  for (const [cls, on] of [['for-cells', cellsLayer], ['for-hotspots', layer === 'hotspots'], ['for-kde', layer === 'kde'], ['for-compare', layer === 'compare']] as const) {
    for (const el of form.querySelectorAll<HTMLElement>(`.${cls}`)) el.hidden = !on
  }
  for (const el of form.querySelectorAll<HTMLElement>('.for-h3')) el.hidden = field('cells').value !== 'h3'
}

function localDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
}

function download(name: string, blob: Blob): void {
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000)
}
function fileBase(): string {
  return `gridwatch-${view.layer}-${new Date().toISOString().slice(0, 10)}`
}

function exportGeoJson(): void {
  if (shown?.kind !== 'cells') return
  download(`${fileBase()}.geojson`, new Blob([JSON.stringify(shown.collection)], { type: 'application/geo+json' }))
}

function exportCsv(): void {
  if (!shown) return
  let lines: string[]
  if (shown.kind === 'cells') {
    const keys = [...new Set(shown.collection.features.flatMap((f) => Object.keys(f.properties)))]
    const cell = (v: unknown) => (v === null || v === undefined ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v))
    lines = [keys.join(','), ...shown.collection.features.map((f) => keys.map((k) => cell(f.properties[k])).join(','))]
  } else {
    const r = shown.raster
    lines = ['row,col,lon,lat,perKm2']
    const dLon = (r.east - r.west) / r.cols, dLat = (r.north - r.south) / r.rows
    r.values.forEach((v, i) => {
      if (v > 0) lines.push(`${Math.floor(i / r.cols)},${i % r.cols},${(r.west + ((i % r.cols) + 0.5) * dLon).toFixed(6)},${(r.north - (Math.floor(i / r.cols) + 0.5) * dLat).toFixed(6)},${v}`)
    })
  }
  download(`${fileBase()}.csv`, new Blob([`\ufeff${lines.join('\n')}`], { type: 'text/csv' }))
}

/** The map as drawn, with the legend, a title, the window and the data-source note painted on. */
function exportPng(): void {
  const src = map.getCanvas()
  const out = document.createElement('canvas')
  out.width = src.width
  out.height = src.height
  const g = out.getContext('2d')!
  g.drawImage(src, 0, 0)
  const scale = src.width / src.clientWidth
  g.scale(scale, scale)
  g.fillStyle = 'rgba(17,26,43,0.9)'
  const lines = [...legend.querySelectorAll<HTMLElement>('h2, .row, .note')]
  const height = 16 * lines.length + 44
  g.fillRect(10, 10, 360, height)
  g.fillStyle = '#fff'
  g.font = 'bold 15px sans-serif'
  g.fillText(`${t('app.name')} · ${t('page.analyst')}`, 20, 32)
  g.font = '12px sans-serif'
  lines.forEach((el, i) => {
    const y = 52 + 16 * i
    const sw = el.querySelector<HTMLElement>('.swatch')
    if (sw) {
      g.fillStyle = sw.style.background
      g.fillRect(20, y - 10, 14, 11)
    }
    g.fillStyle = el.classList.contains('note') ? '#b8c2d6' : '#fff'
    g.fillText(el.textContent ?? '', sw ? 40 : 20, y)
  })
  out.toBlob((blob) => blob && download(`${fileBase()}.png`, blob), 'image/png')
}
