/// <reference lib="webworker" />
import { densityPixels, quantileBreaks } from './layer-colours.ts'

/**
 * Fetches and prepares one analyst layer off the page's thread: JSON parsing of a few MB of cells, quantile
 * breaks, and the density raster's pixels, so the map and the controls stay responsive meanwhile.
 */
/** `rateProperty`: the cell property the colour breaks are taken over. */
export type WorkerRequest = { id: number; url: string; rateProperty: string }
export type WorkerReply =
  | { id: number; ok: true; kind: 'cells'; collection: CellCollection; breaks: number[] }
  | { id: number; ok: true; kind: 'raster'; raster: RasterMeta; pixels: Uint8ClampedArray }
  | { id: number; ok: false; status: number; message: string }

export interface CellCollection {
  type: 'FeatureCollection'
  features: Array<{ type: 'Feature'; id: string; geometry: unknown; properties: Record<string, unknown> }>
  meta: Record<string, unknown>
}
export interface RasterMeta {
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

self.onmessage = async (e: MessageEvent<WorkerRequest>) => {
  const { id, url, rateProperty } = e.data
  try {
    const res = await fetch(url, { credentials: 'same-origin' })
    const body = await res.json()
    if (!res.ok) {
      const details = (body?.error?.details ?? []).map((d: { path: string; message: string }) => `${d.path}: ${d.message}`).join('; ')
      post({ id, ok: false, status: res.status, message: [body?.error?.message, details].filter(Boolean).join(' — ') })
      return
    }
    if (body.type === 'FeatureCollection') {
      const fc = body as CellCollection
      const breaks = quantileBreaks(fc.features.map((f) => Number(f.properties[rateProperty] ?? 0)).filter((v) => v > 0))
      post({ id, ok: true, kind: 'cells', collection: fc, breaks })
    } else {
      const raster = body as RasterMeta
      const pixels = densityPixels(raster.values, raster.max)
      post({ id, ok: true, kind: 'raster', raster, pixels }, [pixels.buffer])
    }
  } catch (err) {
    post({ id, ok: false, status: 0, message: (err as Error).message })
  }
}

function post(reply: WorkerReply, transfer: Transferable[] = []): void {
  ;(self as unknown as DedicatedWorkerGlobalScope).postMessage(reply, transfer)
}
