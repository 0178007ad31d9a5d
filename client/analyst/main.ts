import { Map as MapLibreMap, Popup, setWorkerUrl, type ExpressionSpecification, type GeoJSONSource, type LngLat } from 'maplibre-gl'
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url'
import { lang, t, translatePage, type MessageKey } from '../i18n.ts'
import { basemapStyle } from '../map/basemap-style.ts'
import { loginUrl, redirectToLogin } from '../session.ts'
import { apiUrlOfView, evaluationUrlOfView, paiUrlOfView, RATE_PROPERTIES, rateOfView, searchOfView, viewFromSearch, type AnalystView, type Layer, type Rate } from './analyst-view.ts'
import { lastDays, lastMonth, localDate, sameWeeksLastYear } from './window-presets.ts'
import { playbackSteps, type PlaybackUnit } from './playback.ts'
import { PAI_HEADERS, paiRows, parseKs, type PaiResponse } from './pai-table.ts'
import { EVALUATION_COLUMNS, evaluationCsv, formatFigure, sortRows, type EvaluationResponse, type FormulaKey } from './evaluation-table.ts'
import { CHANGE_CLASSES, CLASS_COLOURS, HOTSPOT_CLASSES, SEQUENTIAL, withAlpha } from './layer-colours.ts'
import type { RasterMeta, WorkerReply, WorkerRequest } from './analysis.worker.ts'

/** Read by the browser tests as `window.__gridwatch`: the current view is drawn (or failed). */
export interface AnalystProbe {
  ready: boolean
  layer?: Layer
  /** Cells drawn (KDE: raster cells). */
  features: number
  error?: string
  /** The 综合评价 table as shown. */
  evaluation?: { level: string; rows: number }
  /** The hot-spot evaluation as shown: one result per k. */
  pai?: { results: number; testTotal: number }
  /** Time playback: the step drawn (0-based) of how many, and whether it is playing. */
  playback?: { index: number; steps: number; from: string; to: string; playing: boolean }
  /** Set when a 401 sent the page to the login page. */
  loginUrl?: string
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
/** The layer on the map: the view's, or counts/KDE while playing back. */
let drawnLayer: Layer = view.layer
let drawnRate: Rate = rateOfView(view)
/** The window of the last full (not playback) drawing, as the server resolved it: what playback steps through. */
let fullWindow: { from: Date; to: Date } | null = null
/** The drawing on the map: its worker request id (the worker keeps its data) and how many cells it has. */
let shown: { id: number; kind: 'cells' | 'raster'; features: number } | null = null
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
const worker = new Worker(new URL('./analysis.worker.ts', import.meta.url), { type: 'module' })
const waiting = new Map<number, (r: WorkerReply) => void>()
let nextId = 1
/** The drawing in flight, if any. */
let drawingId = 0
/** The reply status of a drawing replaced by a newer one before its answer came. */
const SUPERSEDED = -1
/** What the worker answers to a drawing request. */
type DrawReply = Extract<WorkerReply, { kind: 'cells' | 'raster' } | { ok: false }>
worker.onmessage = (e: MessageEvent<WorkerReply>) => settle(e.data)
function settle(reply: WorkerReply): void {
  waiting.get(reply.id)?.(reply)
  waiting.delete(reply.id)
}
function ask(request: WorkerRequest & { id: number }): Promise<WorkerReply> {
  return new Promise((resolve) => {
    waiting.set(request.id, resolve)
    worker.postMessage(request)
  })
}
/** Ends the drawing in flight with `status`, telling the worker to stop it. */
function stopDrawing(status: number, message: string): void {
  if (!drawingId) return
  worker.postMessage({ type: 'cancel', id: drawingId } satisfies WorkerRequest)
  settle({ id: drawingId, ok: false, status, message })
  drawingId = 0
}

fillForm(view)
form.addEventListener('change', () => showFieldsets(readForm().layer))
form.addEventListener('submit', (e) => {
  e.preventDefault()
  stopPlayback()
  view = readForm()
  history.pushState(null, '', searchOfView(view, location.search))
  void draw()
})
window.addEventListener('popstate', () => {
  stopPlayback()
  view = viewFromSearch(location.search)
  fillForm(view)
  void draw()
})
for (const b of form.querySelectorAll<HTMLButtonElement>('.presets button')) {
  b.addEventListener('click', () => {
    const now = new Date()
    const preset = b.dataset.preset
    // "Same weeks last year" moves the window shown now (as the server resolved it, defaults included).
    if (preset === 'last-year' && !fullWindow) return
    const w = preset === 'last-month' ? lastMonth(now) : preset === 'last-year' ? sameWeeksLastYear(fullWindow!) : lastDays(Number(b.dataset.days), now)
    field('from').value = w.from
    field('to').value = w.to
    form.requestSubmit()
  })
}
cancelButton.addEventListener('click', () => stopDrawing(0, t('analyst.cancelled')))
document.getElementById('export-geojson')!.addEventListener('click', () => void exportFile('geojson'))
document.getElementById('export-csv')!.addEventListener('click', () => void exportFile('csv'))
document.getElementById('export-png')!.addEventListener('click', () => exportPng())

// The 综合评价 panel: open state and level live in the URL (`eval=grid|department`), so it is part of the shared view.
const evalPanel = document.getElementById('evaluation')!
const evalLevel = evalPanel.querySelector<HTMLSelectElement>('select[name=level]')!
let evaluation: EvaluationResponse | null = null
/** The request behind the table shown (or coming): a new layer over the same window and filters keeps it. */
let evaluationUrl = ''
let evalSort: { id: string; dir: 'asc' | 'desc' } = { id: 'code', dir: 'asc' }
function setEvaluationInUrl(level: string | null): void {
  const q = new URLSearchParams(location.search)
  if (level) q.set('eval', level)
  else q.delete('eval')
  history.replaceState(null, '', `?${q.toString()}`)
}
document.getElementById('eval-open')!.addEventListener('click', () => {
  evalPanel.hidden = false
  setEvaluationInUrl(evalLevel.value)
  void loadEvaluation()
})
document.getElementById('eval-close')!.addEventListener('click', () => {
  evalPanel.hidden = true
  setEvaluationInUrl(null)
})
evalLevel.addEventListener('change', () => {
  setEvaluationInUrl(evalLevel.value)
  void loadEvaluation()
})
document.getElementById('eval-csv')!.addEventListener('click', () => {
  if (evaluation) {
    void download(`gridwatch-evaluation-${evaluation.level}-${new Date().toISOString().slice(0, 10)}.csv`, new Blob([`\ufeff${evaluationCsv(evaluation, lang)}`], { type: 'text/csv' }), 'evaluation', evaluation.rows.length)
  }
})
evalPanel.querySelector('table')!.addEventListener('click', (e) => {
  const th = (e.target as HTMLElement).closest<HTMLElement>('th[data-col]')
  if (!th) return
  const id = th.dataset.col!
  evalSort = { id, dir: evalSort.id === id && evalSort.dir === 'asc' ? 'desc' : 'asc' }
  renderEvaluation()
})
{
  const level = new URLSearchParams(location.search).get('eval')
  if (level === 'grid' || level === 'department') {
    evalLevel.value = level
    evalPanel.hidden = false
  }
}

async function loadEvaluation(): Promise<void> {
  probe.evaluation = undefined
  const level = evalLevel.value
  const url = evaluationUrlOfView(view, level as 'grid' | 'department')
  evaluationUrl = url
  const res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
  const body = await res.json().catch(() => null)
  if (!res.ok) {
    evaluationUrl = ''
    failed(res.status, body?.error?.message ?? `HTTP ${res.status}`)
    return
  }
  evaluation = body as EvaluationResponse
  renderEvaluation()
  probe.evaluation = { level, rows: evaluation.rows.length }
}

function renderEvaluation(): void {
  if (!evaluation) return
  const e = evaluation
  evalPanel.querySelector('.window')!.textContent = `${e.from.slice(0, 10)} – ${e.to.slice(0, 10)}`
  // Each formula once, numbered; every figure made by it carries the number and the formula as its tooltip.
  const formulaKeys = [...new Set(EVALUATION_COLUMNS.flatMap((c) => (c.formula ? [c.formula] : [])))] as FormulaKey[]
  const head = EVALUATION_COLUMNS.map((c) => {
    const label = esc(t(`analyst.eval.${c.id}` as MessageKey))
    const n = c.formula ? formulaKeys.indexOf(c.formula) + 1 : 0
    const sort = evalSort.id === c.id ? ` aria-sort="${evalSort.dir === 'asc' ? 'ascending' : 'descending'}"` : ''
    const title = c.formula ? ` title="${esc(e.formulas[c.formula][lang])}"` : ''
    return `<th data-col="${c.id}"${sort}${title}>${label}${n ? `<sup>${n}</sup>` : ''}</th>`
  }).join('')
  const column = EVALUATION_COLUMNS.find((c) => c.id === evalSort.id)!
  const body = e.rows.length
    ? sortRows(e.rows, column, evalSort.dir).map((r) => `<tr>${EVALUATION_COLUMNS.map((c) => `<td>${esc(formatFigure(c, r))}</td>`).join('')}</tr>`).join('')
    : `<tr><td colspan="${EVALUATION_COLUMNS.length}">${esc(t('analyst.eval.empty'))}</td></tr>`
  evalPanel.querySelector('table')!.innerHTML = `<thead><tr>${head}</tr></thead><tbody>${body}</tbody>`
  evalPanel.querySelector('.formulas')!.innerHTML = formulaKeys.map((k) => `<li>${esc(e.formulas[k][lang])}</li>`).join('')
}

// Hot-spot evaluation: the view's window is the map period, the API tests it on the equally long window after it.
const paiPanel = document.getElementById('pai')!
document.getElementById('pai-run')!.addEventListener('click', () => void loadPai())

async function loadPai(): Promise<void> {
  probe.pai = undefined
  const result = paiPanel.querySelector('.result')!
  const ks = parseKs((document.getElementById('pai-k') as HTMLInputElement).value)
  if (!ks) {
    result.innerHTML = `<p class="note">${esc(t('analyst.pai.invalidK'))}</p>`
    return
  }
  const rank = (document.getElementById('pai-rank') as HTMLSelectElement).value as 'density' | 'gistar'
  result.textContent = t('analyst.computing')
  const res = await fetch(paiUrlOfView(view, ks, rank), { credentials: 'same-origin', headers: { accept: 'application/json' } })
  const body = await res.json().catch(() => null)
  if (!res.ok) {
    result.textContent = ''
    failed(res.status, body?.error?.message ?? `HTTP ${res.status}`)
    return
  }
  const p = body as PaiResponse
  const period = (w: PaiResponse['train']) => `${w.from.slice(0, 10)} – ${w.to.slice(0, 10)} (${w.total})`
  result.innerHTML = `<table><thead><tr>${PAI_HEADERS.map((h) => `<th>${esc(t(`analyst.pai.h.${h}` as MessageKey))}</th>`).join('')}</tr></thead><tbody>${paiRows(p)
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>${[`${t('analyst.pai.train')}: ${period(p.train)}`, `${t('analyst.pai.test')}: ${period(p.test)}`, t('analyst.pai.formula')]
    .map((n) => `<p class="note">${esc(n)}</p>`)
    .join('')}`
  probe.pai = { results: p.results.length, testTotal: p.test.total }
}

// Time playback: each step is a counts (or KDE) drawing of one hour or day of the window, fetched and coloured in
// the worker like any other drawing, so the page stays responsive while it plays.
const pbUnit = document.getElementById('pb-unit') as HTMLSelectElement
const pbSlider = document.getElementById('pb-slider') as HTMLInputElement
const pbPlay = document.getElementById('pb-play') as HTMLButtonElement
const pbLabel = document.getElementById('pb-label')!
const PLAY_PAUSE_MS = 400
let steps: Array<{ from: Date; to: Date }> = []
let stepIndex = -1
let playing = false
document.getElementById('pb-prev')!.title = t('analyst.play.prev')
pbPlay.title = t('analyst.play.play')
document.getElementById('pb-next')!.title = t('analyst.play.next')
pbUnit.addEventListener('change', () => {
  stopPlayback()
  resetPlayback()
})
document.getElementById('pb-prev')!.addEventListener('click', () => {
  stopPlayback()
  if (prepareSteps()) void showStep(Math.max(0, stepIndex - 1))
})
document.getElementById('pb-next')!.addEventListener('click', () => {
  stopPlayback()
  if (prepareSteps()) void showStep(Math.min(steps.length - 1, stepIndex + 1))
})
pbSlider.addEventListener('change', () => {
  stopPlayback()
  if (prepareSteps()) void showStep(Number(pbSlider.value))
})
pbPlay.addEventListener('click', () => (playing ? stopPlayback() : void play()))

function resetPlayback(): void {
  steps = []
  stepIndex = -1
  pbSlider.value = '0'
  pbLabel.textContent = ''
  probe.playback = undefined
}

/** The steps of the last full drawing's window; false (with the reason shown) when there are none to play. */
function prepareSteps(): boolean {
  if (steps.length) return true
  if (!fullWindow) return false
  try {
    steps = playbackSteps(fullWindow.from, fullWindow.to, pbUnit.value as PlaybackUnit)
  } catch (err) {
    status.textContent = (err as Error).message
    status.classList.add('error')
    return false
  }
  pbSlider.max = String(Math.max(0, steps.length - 1))
  return steps.length > 0
}

async function showStep(i: number): Promise<void> {
  stepIndex = i
  const s = steps[i]
  pbSlider.value = String(i)
  pbLabel.textContent = `${t('analyst.play.step')} ${i + 1}/${steps.length} · ${localStamp(s.from)} – ${localStamp(s.to)}`
  const layer: Layer = view.layer === 'kde' ? 'kde' : 'counts'
  await draw({ layer, params: { ...view.params, from: s.from.toISOString(), to: s.to.toISOString() } })
  if (stepIndex === i) probe.playback = { index: i, steps: steps.length, from: s.from.toISOString(), to: s.to.toISOString(), playing }
}

async function play(): Promise<void> {
  if (!prepareSteps()) return
  playing = true
  pbPlay.textContent = '⏸︎'
  if (stepIndex >= steps.length - 1) stepIndex = -1
  while (playing && stepIndex < steps.length - 1) {
    await showStep(stepIndex + 1)
    if (probe.error) break
    await new Promise((r) => setTimeout(r, PLAY_PAUSE_MS))
  }
  stopPlayback()
}

function stopPlayback(): void {
  playing = false
  pbPlay.textContent = '▶︎'
  if (probe.playback) probe.playback.playing = false
}

function localStamp(d: Date): string {
  return pbUnit.value === 'hour' ? `${localDate(d)} ${String(d.getHours()).padStart(2, '0')}:00` : localDate(d)
}

/** A failed request: a 401 goes to the login page and back here; anything else is shown in the status line. */
function failed(httpStatus: number, message: string): void {
  probe.error = message
  if (httpStatus === 401) {
    probe.loginUrl = loginUrl()
    redirectToLogin()
    return
  }
  status.textContent = `${t('analyst.failed')}: ${message}`
  status.classList.add('error')
}

/**
 * Streets and communities offered by name in the area box (the box takes the code, which is what the URL keeps).
 * Without them the box still takes a typed code, so a failure here is not worth a message.
 */
async function offerAreaNames(): Promise<void> {
  const list = document.getElementById('area-names') as HTMLDataListElement
  for (const level of ['street', 'community'] as const) {
    const res = await fetch(`/api/v1/grids?level=${level}`, { credentials: 'same-origin', headers: { accept: 'application/json' } })
    if (!res.ok) return
    const areas = (await res.json()) as { features: Array<{ properties: { code: string; name: string; nameEn: string | null } }> }
    for (const { properties: a } of areas.features) {
      const option = document.createElement('option')
      option.value = a.code
      option.label = `${lang === 'en' ? (a.nameEn ?? a.name) : a.name} · ${t(level === 'street' ? 'analyst.street' : 'analyst.community')}`
      list.append(option)
    }
  }
}
void offerAreaNames().catch(() => undefined)

/*
 * Cell outlines are the fill's own antialiasing edge, not a line layer: in software-rendered WebGL a line layer
 * over a few thousand H3 cells cost more per frame than everything else on the map. The layer's opacity stays 1
 * (the colours carry it), so the outline keeps its own strength on faint and strong cells alike. No transitions:
 * a paint change would otherwise redraw the map for 300 ms, and each redraw is a frame the page waits for.
 */
const OUTLINE = 'rgba(85,85,85,0.35)'
const CELL_OPACITY = 0.7
/** Cells without a significant result recede. */
const FAINT_OPACITY = 0.15
const NO_TRANSITION = { duration: 0, delay: 0 }
/*
 * Each tile of the cells carries this much (of 512 px) of its neighbours' cells, drawn and then clipped away. The
 * default 128 made every frame process about twice the cells in view; fills need none of it beyond the edge.
 */
const CELL_TILE_BUFFER = 8
map.on('load', () => {
  map.addSource('cells', { type: 'geojson', data: { type: 'FeatureCollection', features: [] }, buffer: CELL_TILE_BUFFER })
  map.addLayer({
    id: 'cells-fill', type: 'fill', source: 'cells',
    paint: { 'fill-color': '#ccc', 'fill-outline-color': OUTLINE, 'fill-color-transition': NO_TRANSITION, 'fill-outline-color-transition': NO_TRANSITION },
  })
  map.on('click', 'cells-fill', (e) => {
    const cell = e.features?.[0]?.properties?.cell
    if (typeof cell === 'string' && shown) void showCellPopup(shown.id, cell, e.lngLat)
  })
  void draw()
})

/** Every figure of a clicked cell, as the worker has it from the API. */
async function showCellPopup(drawing: number, cell: string, at: LngLat): Promise<void> {
  const reply = await ask({ type: 'cell', id: nextId++, drawing, cell })
  if (!reply.ok || reply.kind !== 'cell' || !reply.properties) return
  const rows = Object.entries(reply.properties).filter(([, v]) => v !== null)
  new Popup().setLngLat(at).setHTML(`<table>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(String(v))}</td></tr>`).join('')}</table>`).addTo(map)
}

async function draw(target: AnalystView = view): Promise<void> {
  probe.ready = false
  probe.error = undefined
  const started = performance.now()
  const full = target === view
  if (full) resetPlayback()
  // Redrawing a table of every grid takes the page's thread for tens of milliseconds: only for a new window or filters.
  if (full && !evalPanel.hidden && evaluationUrlOfView(view, evalLevel.value as 'grid' | 'department') !== evaluationUrl) void loadEvaluation()
  status.classList.remove('error')
  cancelButton.hidden = false
  const tick = setInterval(() => (status.textContent = `${t('analyst.computing')} ${((performance.now() - started) / 1000).toFixed(1)} s`), 200)
  status.textContent = t('analyst.computing')
  // A newer drawing (a playback step, a second submit) supersedes one still in flight: it ends quietly.
  stopDrawing(SUPERSEDED, '')
  const id = nextId++
  drawingId = id
  const reply = (await ask({ type: 'draw', id, url: apiUrlOfView(target), rateProperty: RATE_PROPERTIES[rateOfView(target)] })) as DrawReply
  clearInterval(tick)
  if (!reply.ok && reply.status === SUPERSEDED) return
  drawingId = 0
  cancelButton.hidden = true
  if (!reply.ok) {
    failed(reply.status, reply.message)
    return
  }
  drawnLayer = target.layer
  drawnRate = rateOfView(target)
  worker.postMessage({ type: 'shown', id } satisfies WorkerRequest)
  if (reply.kind === 'cells') showCells(id, reply.cells, reply.meta, reply.breaks, reply.bounds)
  else showRaster(id, reply.raster, reply.pixels)
  if (full) {
    const w = reply.kind === 'cells' ? reply.meta : reply.raster
    fullWindow = { from: new Date(String(w.from)), to: new Date(String(w.to)) }
  }
  status.textContent = `${t('analyst.done')} ${((performance.now() - started) / 1000).toFixed(1)} s`
  await map.once('idle')
  probe.layer = target.layer
  probe.ready = true
}

function showCells(id: number, cells: GeoJSON.FeatureCollection, m: Record<string, unknown>, breaks: number[], bounds: [number, number, number, number] | null): void {
  removeRaster()
  shown = { id, kind: 'cells', features: cells.features.length }
  ;(map.getSource('cells') as GeoJSONSource).setData(cells)
  map.setLayoutProperty('cells-fill', 'visibility', 'visible')
  let colour: ExpressionSpecification
  let rows: Array<[string, string]>
  if (drawnLayer === 'counts') {
    colour = breaks.length
      ? ['step', ['to-number', ['get', RATE_PROPERTIES[drawnRate]], 0], 'rgba(0,0,0,0)', 1e-9, withAlpha(SEQUENTIAL[0], CELL_OPACITY), ...breaks.slice(0, -1).flatMap((b, i) => [b + 1e-9, withAlpha(SEQUENTIAL[i + 1], CELL_OPACITY)] as [number, string])]
      : ['literal', 'rgba(0,0,0,0)']
    rows = breaks.map((b, i) => [SEQUENTIAL[i], `≤ ${b.toFixed(1)} ${t(drawnRate === 'km2' ? 'analyst.rate.perKm2' : 'analyst.rate.per1000')}`])
  } else {
    const classes = drawnLayer === 'compare' ? CHANGE_CLASSES : HOTSPOT_CLASSES
    colour = ['match', ['get', 'class'], ...classes.flatMap((c) => [c, withAlpha(CLASS_COLOURS[c], c === 'not-significant' ? FAINT_OPACITY : CELL_OPACITY)]), withAlpha('#f7f7f7', CELL_OPACITY)] as unknown as ExpressionSpecification
    rows = classes.map((c) => [CLASS_COLOURS[c], classLabel(c)])
  }
  map.setPaintProperty('cells-fill', 'fill-color', colour)
  probe.features = cells.features.length
  const notes = [
    `${String(m.from).slice(0, 10)} – ${String(m.to).slice(0, 10)}`,
    `${t('analyst.total')}: ${m.total} · ${t('analyst.cellCount')}: ${m.cellCount}`,
    drawnLayer === 'hotspots' ? `Gi* · ${t(m.weights === 'queen' ? 'analyst.weights.queen' : 'analyst.weights.distance')}${m.bandM ? ` ${m.bandM} m` : ''} · ${t('analyst.fdrNote')}` : '',
    drawnLayer === 'compare' ? `${t('analyst.compareNote')} ${String((m.before as { from: string }).from).slice(0, 10)}` : '',
  ]
  renderLegend(t(`analyst.layer.${drawnLayer}` as MessageKey), rows, notes.filter(Boolean))
  if (!fitted && bounds) {
    map.fitBounds([[bounds[0], bounds[1]], [bounds[2], bounds[3]]], { padding: 30, animate: false })
    fitted = true
  }
}

function showRaster(id: number, r: RasterMeta, pixels: Uint8ClampedArray): void {
  shown = { id, kind: 'raster', features: r.cols * r.rows }
  // Hidden at once, so the first frame with the density does not draw the cells too; emptied so that they do not
  // show again for a frame when the next cells layer comes.
  map.setLayoutProperty('cells-fill', 'visibility', 'none')
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
  map.addLayer({ id: 'kde-raster', type: 'raster', source: 'kde', paint: { 'raster-opacity': 0.85, 'raster-resampling': 'linear', 'raster-fade-duration': 0 } }, 'cells-fill')
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
  for (const [cls, on] of [['for-cells', cellsLayer], ['for-counts', layer === 'counts'], ['for-hotspots', layer === 'hotspots'], ['for-kde', layer === 'kde'], ['for-compare', layer === 'compare']] as const) {
    for (const el of form.querySelectorAll<HTMLElement>(`.${cls}`)) el.hidden = !on
  }
  for (const el of form.querySelectorAll<HTMLElement>('.for-h3')) el.hidden = field('cells').value !== 'h3'
}


function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
}

/**
 * Saves an export once the server has recorded it in the audit log (POST /api/v1/exports): the file is made here
 * from data already sent, so the record is the only way an auditor learns it left the building.
 */
async function download(name: string, blob: Blob, what: string, rows: number): Promise<void> {
  const format = name.slice(name.lastIndexOf('.') + 1)
  const res = await fetch('/api/v1/exports', {
    method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ what, format, view: location.search.slice(1, 2001), rows }),
  })
  if (res.status !== 201) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null
    failed(res.status, body?.error?.message ?? `HTTP ${res.status}`)
    return
  }
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000)
}
function fileBase(): string {
  return `gridwatch-${view.layer}-${new Date().toISOString().slice(0, 10)}`
}

/** A GeoJSON or CSV file of the drawing shown, made by the worker that holds its data. */
async function exportFile(format: 'geojson' | 'csv'): Promise<void> {
  if (!shown || (format === 'geojson' && shown.kind !== 'cells')) return
  const reply = await ask({ type: 'export', id: nextId++, drawing: shown.id, format })
  if (!reply.ok) failed(reply.status, reply.message)
  else if (reply.kind === 'file') await download(`${fileBase()}.${format}`, reply.blob, view.layer, reply.rows)
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
  out.toBlob((blob) => blob && void download(`${fileBase()}.png`, blob, view.layer, shown?.kind === 'cells' ? shown.features : 0), 'image/png')
}
