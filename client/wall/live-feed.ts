import { io, type Socket } from 'socket.io-client'
import { decodeUnitFrame, type UnitFrame, type WireUnitFrame } from '../../geo/live/unit-frame.ts'

/**
 * The wall's side of the Socket.IO live hub: subscribe for snapshots, then apply numbered frames and events in
 * order. A gap in a layer's numbers, or a reconnect the server could not recover, means a fresh snapshot; a
 * recovered reconnect means nothing was missed. It says honestly what state it is in and how old each layer's
 * last message is.
 */

export const LIVE_LAYERS = ['units', 'incidents', 'alerts', 'cases', 'kpi'] as const
export type LiveLayer = (typeof LIVE_LAYERS)[number]

export type { UnitFrame, UnitMove } from '../../geo/live/unit-frame.ts'

export interface LiveEvent {
  seq: number
  t: number
  event: unknown
}

/** `connected` after a normal (re)connect, `recovered` when the server replayed what we missed, `resynced` after fresh snapshots. */
export type SocketState = 'connecting' | 'connected' | 'reconnecting'
export type SyncNote = 'initial' | 'recovered' | 'resynced' | null

export interface LiveHandlers {
  /** A layer's snapshot; `resync` is false for the first one after the page loaded. */
  snapshot(layer: LiveLayer, rows: unknown, resync: boolean): void
  units(frame: UnitFrame): void
  event(layer: Exclude<LiveLayer, 'units'>, message: LiveEvent): void
  state(state: SocketState, note: SyncNote): void
}

interface Ack {
  error?: { code: string; message: string }
  [layer: string]: unknown
}

const ACK_TIMEOUT_MS = 15_000
const RETRY_MS = 2_000

export class LiveFeed {
  state: SocketState = 'connecting'
  note: SyncNote = null
  /** Client time (Date.now()) of each layer's last frame, event or snapshot. */
  readonly lastMessageAt: Record<LiveLayer, number | null> = { units: null, incidents: null, alerts: null, cases: null, kpi: null }
  /** Client time of each layer's last snapshot. */
  readonly lastSnapshotAt: Record<LiveLayer, number | null> = { units: null, incidents: null, alerts: null, cases: null, kpi: null }
  /** Server clock minus ours, estimated from message times (the largest recent sample: the least delayed). */
  serverOffsetMs = 0
  reconnects = 0
  resyncs = 0
  lastResyncAt: number | null = null
  /** Number of the message last applied per layer. */
  private readonly expected = new Map<LiveLayer, number>()
  /** Layers whose snapshot is on its way; their messages wait here until it lands. */
  private readonly pending = new Map<LiveLayer, { token: number; waiting: Array<UnitFrame | LiveEvent> }>()
  private token = 0
  private readonly offsets: number[] = []
  private readonly socket: Socket
  private snapshotsTaken = 0
  private disposed = false

  constructor(
    private readonly layers: readonly LiveLayer[],
    private readonly handlers: LiveHandlers,
    url = `${location.origin}/live`,
  ) {
    this.socket = io(url, {
      // Straight to WebSocket; long-polling stays as the fallback behind proxies that block upgrades.
      transports: ['websocket', 'polling'],
      reconnectionDelay: 500,
      reconnectionDelayMax: 5_000,
      randomizationFactor: 0.3,
    })
    this.socket.on('connect', () => {
      const recovered = this.socket.recovered
      this.setState('connected', recovered ? 'recovered' : this.snapshotsTaken === 0 ? 'initial' : 'resynced')
      // Recovered: the server kept our rooms and replays what we missed. Otherwise the rooms are gone.
      if (!recovered) this.subscribe(this.layers)
    })
    this.socket.on('disconnect', (reason) => {
      // Snapshots in flight will not be answered on this connection; the next connect asks again.
      this.pending.clear()
      this.setState('reconnecting', this.note)
      // The server closing our session on purpose is the one case Socket.IO does not retry by itself.
      if (reason === 'io server disconnect' && !this.disposed) setTimeout(() => this.socket.connect(), 1000)
    })
    this.socket.io.on('reconnect_attempt', () => {
      this.reconnects++
      this.setState('reconnecting', this.note)
    })
    this.socket.on('units', (wire: WireUnitFrame) => {
      let frame: UnitFrame
      try {
        frame = decodeUnitFrame(wire)
      } catch (err) {
        // Left unapplied: the next frame then shows a gap in the numbers and brings a fresh snapshot.
        console.warn('live: unreadable units frame', err)
        return
      }
      this.receive('units', frame)
    })
    for (const layer of layers) {
      if (layer === 'units') continue
      this.socket.on(layer, (message: LiveEvent) => this.receive(layer, message))
    }
  }

  dispose(): void {
    this.disposed = true
    this.socket.close()
  }

  private setState(state: SocketState, note: SyncNote): void {
    this.state = state
    this.note = note
    this.handlers.state(state, note)
  }

  private subscribe(layers: readonly LiveLayer[]): void {
    const fresh = layers.filter((l) => !this.pending.has(l))
    if (fresh.length === 0 || this.disposed) return
    const token = ++this.token
    for (const l of fresh) this.pending.set(l, { token, waiting: [] })
    this.socket.timeout(ACK_TIMEOUT_MS).emit('subscribe', { layers: fresh }, (err: Error | null, reply: Ack) => {
      const mine = fresh.filter((l) => this.pending.get(l)?.token === token)
      if (mine.length === 0) return
      if (err || !reply || reply.error) {
        for (const l of mine) this.pending.delete(l)
        // The socket may have dropped meanwhile; its next connect subscribes again anyway.
        if (this.socket.connected) setTimeout(() => this.subscribe(mine), RETRY_MS)
        return
      }
      const resync = this.snapshotsTaken > 0
      this.snapshotsTaken++
      if (resync) {
        this.resyncs++
        this.lastResyncAt = Date.now()
        if (this.state === 'connected') this.setState('connected', 'resynced')
      }
      for (const layer of mine) {
        const snap = reply[layer] as { seq: number; rows: unknown } | undefined
        const waiting = this.pending.get(layer)?.waiting ?? []
        this.pending.delete(layer)
        if (!snap) continue
        this.expected.set(layer, snap.seq)
        this.lastSnapshotAt[layer] = Date.now()
        this.handlers.snapshot(layer, snap.rows, resync)
        // Messages sent while the snapshot was read: those it does not already contain, in order.
        waiting.sort((a, b) => a.seq - b.seq)
        for (const m of waiting) this.apply(layer, m)
      }
    })
  }

  private receive(layer: LiveLayer, message: UnitFrame | LiveEvent): void {
    if (!message || typeof message.seq !== 'number') return
    this.lastMessageAt[layer] = Date.now()
    if (typeof message.t === 'number') this.sampleClock(message.t)
    const waiting = this.pending.get(layer)
    if (waiting) {
      waiting.waiting.push(message)
      return
    }
    this.apply(layer, message)
  }

  private apply(layer: LiveLayer, message: UnitFrame | LiveEvent): void {
    const last = this.expected.get(layer)
    if (last === undefined) return
    if (message.seq <= last) return
    if (message.seq !== last + 1) {
      // A gap: something was lost. Start again from a snapshot.
      this.expected.delete(layer)
      this.subscribe([layer])
      return
    }
    this.expected.set(layer, message.seq)
    if (layer === 'units') this.handlers.units(message as UnitFrame)
    else this.handlers.event(layer, message as LiveEvent)
  }

  private sampleClock(serverT: number): void {
    this.offsets.push(serverT - Date.now())
    if (this.offsets.length > 32) this.offsets.shift()
    this.serverOffsetMs = Math.max(...this.offsets)
  }

  /** Our estimate of the server's clock now, ms. */
  serverNow(): number {
    return Date.now() + this.serverOffsetMs
  }
}
