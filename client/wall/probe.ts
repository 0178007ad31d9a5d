import type { MeasureId } from './measures.ts'
import type { SyncNote } from './live-feed.ts'

/** Read by the browser tests as `window.__gridwatch` on the wall page. */
export interface WallProbe {
  ready: boolean
  error?: string
  head: string
  /** `alerts`: open camera alerts the wall holds for the mosaic. */
  layers: { grids: number; units: number; unitsWithFix: number; incidents: number; cameras: number; heat: number; alerts: number; dispatchLines: number }
  /** Where the unit is drawn right now, [lon, lat]. */
  unitPosition(id: string): [number, number] | null
  socket: 'connected' | 'reconnecting'
  socketNote: SyncNote
  resyncs: number
  scene: string
  /** When the page showed the current scene (its Date.now()): a test's polling would see it late by its own delay. */
  sceneSince: number
  takeover: { key: string; kind: string; until: number } | null
  takeoversShown: number
  measure: MeasureId
  /** The dispatch lines' labels, as drawn. */
  dispatchLabels: string[]
  /** Grids the current measure fills (a grid with nothing to show is left unfilled). */
  filledGrids: number
  /** Animation frames that pushed new layer state to deck.gl. */
  frames: number
  /** The camera is still and every tile in view has loaded (for screenshots). */
  settled: boolean
}

