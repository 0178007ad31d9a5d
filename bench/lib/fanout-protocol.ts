import type { CitySource } from './bench-db.ts'
import type { Histogram } from './histogram.ts'
import type { BenchUnit } from './tracks.ts'

/** Wall-clock milliseconds with sub-millisecond precision, comparable across this machine's processes. */
export const wallNow = () => performance.timeOrigin + performance.now()

/** A unit as the fan-out benchmark drives it: its home and its home grid (for the baseline's frames). */
export interface FanoutUnit extends BenchUnit {
  gridCode: string | null
}

// ---- orchestrator <-> server (gridwatch or the raw ws baseline) ----

export type ServerCommand =
  | { kind: 'start'; source: CitySource; units: number; profile?: boolean }
  | { kind: 'start-ws'; units: FanoutUnit[]; slicesPerSecond: number; frameMs: number }
  | { kind: 'events'; count: number; intervalMs: number }
  | { kind: 'measure'; on: boolean }
  | { kind: 'stop' }

export type ServerReply =
  /** `tokens`: gridwatch only; bearer tokens for the injector (a gateway) and the clients (a wall). */
  | { kind: 'ready'; url: string; units: FanoutUnit[]; tokens?: { gateway: string; live: string } }
  | { kind: 'measured'; maxBufferedBytes: number; maxWriteBufferPackets: number; published: number; loopDelayP99: number; loopDelayMax: number; profile?: string[] }

// ---- orchestrator <-> client processes ----

export type ClientCommand =
  /** `full` clients decode everything; `light` ones read frame heads only (see fanout-clients.ts). */
  | { kind: 'connect'; mode: 'sio' | 'ws'; url: string; full: number; light: number; layers: string[]; token?: string }
  | { kind: 'measure'; on: boolean; windowMs?: number }
  /** Stop counting events too and send the stats. */
  | { kind: 'collect' }
  | { kind: 'stop' }

export interface ClientStats {
  clients: number
  disconnects: number
  /** Ingest (device time) to receipt, per move. */
  moves: Histogram
  /** Frame send time (frame.t) to receipt, per frame. */
  frames: Histogram
  /** publishEvent call to receipt, per event. */
  events: Histogram
  frameCount: number
  frameBytes: number
  /** Gaps in a client's unit-frame or event sequence numbers: frames it never got. */
  unitGaps: number
  eventGaps: number
  /** Per client: p99 of move latency and of frame-send-to-receipt latency (ms), moves received. */
  perClient: Array<{ full: boolean; p99: number; frameP99: number; moves: number; frames: number; lagGrowth: number }>
  /** Connect + subscribe (snapshot in the ack) per client, ms. */
  subscribe: Histogram
  /** Event-loop delay p99 in the client process (ms): whether the clients themselves kept up. */
  loopDelayP99: number
}

export type ClientReply = { kind: 'connected'; clients: number; ms: number } | ({ kind: 'stats' } & ClientStats)
