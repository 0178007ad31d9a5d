/// <reference lib="webworker" />
import { densityPixels, quantileBreaks } from './layer-colours.ts'
import { cellsCsv, rasterCsv } from './layer-export.ts'
import { cellBounds, mapCells } from './map-cells.ts'

/**
 * Fetches and prepares the analyst layers off the page's thread, and keeps the layer on the map: the page gets
 * only what it draws (outlines with the colouring properties, or the density's pixels), and asks here for a
 * clicked cell's figures or an export file. A full table of cells copied to the page and handed on to MapLibre
 * blocked the page's thread for tens of milliseconds per drawing.
 */
export type WorkerRequest =
  /** `rateProperty`: the cell property the colour breaks are taken over. */
  | { type: 'draw'; id: number; url: string; rateProperty: string }
  /** Stops drawing `id` (cancelled or superseded). */
  | { type: 'cancel'; id: number }
  /** The page now shows drawing `id`: what it asks about from now on. */
  | { type: 'shown'; id: number }
  | { type: 'cell'; id: number; drawing: number; cell: string }
  | { type: 'export'; id: number; drawing: number; format: 'geojson' | 'csv' }
export type WorkerReply =
  | {
      id: number
      ok: true
      kind: 'cells'
      /** Outlines with `cell` and the colouring properties only. */
      cells: GeoJSON.FeatureCollection
      meta: Record<string, unknown>
      breaks: number[]
      bounds: [number, number, number, number] | null
    }
  | { id: number; ok: true; kind: 'raster'; raster: RasterMeta; pixels: Uint8ClampedArray }
  | { id: number; ok: true; kind: 'cell'; properties: Record<string, unknown> | null }
  | { id: number; ok: true; kind: 'file'; blob: Blob; rows: number }
  | { id: number; ok: false; status: number; message: string }

export interface CellCollection {
  type: 'FeatureCollection'
  features: Array<{ type: 'Feature'; id: string; geometry: unknown; properties: Record<string, unknown> }>
  meta: Record<string, unknown>
}
/** A density surface as the API sends it. */
export interface RasterLayer {
  west: number
  south: number
  east: number
  north: number
  cols: number
  rows: number
  cellM: number
  bandwidthM: number
  bandwidthRule: string
  total: number
  max: number
  from: string
  to: string
  values: number[]
}
/** What the page needs of a density surface to place and label it; the values stay here. */
export type RasterMeta = Omit<RasterLayer, 'values'>

/** Properties the page colours cells by (the rate is the request's). */
const CLASS_PROPERTY = 'class'

type Drawing = { kind: 'cells'; collection: CellCollection } | { kind: 'raster'; raster: RasterLayer }
/** Drawings by request id: the one shown, and any finished since that the page may show next. */
const drawings = new Map<number, Drawing>()
let shownId = 0
const inFlight = new Map<number, AbortController>()

self.onmessage = (e: MessageEvent<WorkerRequest>) => {
  const m = e.data
  if (m.type === 'draw') void draw(m.id, m.url, m.rateProperty)
  else if (m.type === 'cancel') inFlight.get(m.id)?.abort()
  else if (m.type === 'shown') {
    shownId = m.id
    for (const id of drawings.keys()) if (id !== m.id) drawings.delete(id)
  } else if (m.type === 'cell') {
    const d = drawings.get(m.drawing)
    const f = d?.kind === 'cells' ? d.collection.features.find((x) => x.properties.cell === m.cell) : undefined
    post({ id: m.id, ok: true, kind: 'cell', properties: f?.properties ?? null })
  } else exportFile(m.id, drawings.get(m.drawing), m.format)
}

async function draw(id: number, url: string, rateProperty: string): Promise<void> {
  const abort = new AbortController()
  inFlight.set(id, abort)
  try {
    const res = await fetch(url, { credentials: 'same-origin', signal: abort.signal })
    const body = await res.json()
    if (!res.ok) {
      const details = (body?.error?.details ?? []).map((d: { path: string; message: string }) => `${d.path}: ${d.message}`).join('; ')
      post({ id, ok: false, status: res.status, message: [body?.error?.message, details].filter(Boolean).join(' — ') })
      return
    }
    if (body.type === 'FeatureCollection') {
      const fc = body as CellCollection
      keep(id, { kind: 'cells', collection: fc })
      const breaks = quantileBreaks(fc.features.map((f) => Number(f.properties[rateProperty] ?? 0)).filter((v) => v > 0))
      post({ id, ok: true, kind: 'cells', cells: mapCells(fc, [CLASS_PROPERTY, rateProperty]), meta: fc.meta, breaks, bounds: cellBounds(fc) })
    } else {
      const { values, ...raster } = body as RasterLayer
      keep(id, { kind: 'raster', raster: body })
      const pixels = densityPixels(values, raster.max)
      post({ id, ok: true, kind: 'raster', raster, pixels }, [pixels.buffer])
    }
  } catch (err) {
    post({ id, ok: false, status: 0, message: (err as Error).message })
  } finally {
    inFlight.delete(id)
  }
}

/** A drawing older than the one shown will never be shown. */
function keep(id: number, d: Drawing): void {
  if (id > shownId) drawings.set(id, d)
}

function exportFile(id: number, d: Drawing | undefined, format: 'geojson' | 'csv'): void {
  if (!d || (format === 'geojson' && d.kind !== 'cells')) {
    post({ id, ok: false, status: 0, message: 'nothing to export' })
    return
  }
  if (format === 'geojson' && d.kind === 'cells') {
    post({ id, ok: true, kind: 'file', blob: new Blob([JSON.stringify(d.collection)], { type: 'application/geo+json' }), rows: d.collection.features.length })
    return
  }
  const lines = d.kind === 'cells' ? cellsCsv(d.collection) : rasterCsv(d.raster)
  post({ id, ok: true, kind: 'file', blob: new Blob([`\ufeff${lines.join('\n')}`], { type: 'text/csv' }), rows: lines.length - 1 })
}

function post(reply: WorkerReply, transfer: Transferable[] = []): void {
  ;(self as unknown as DedicatedWorkerGlobalScope).postMessage(reply, transfer)
}
