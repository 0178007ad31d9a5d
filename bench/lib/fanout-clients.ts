/**
 * Child process holding a share of the benchmark's clients, each on its own connection: of gridwatch's /live
 * namespace (mode sio) or of the bare ws baseline (mode ws).
 *
 * Two kinds, because 200 clients that each decode 10,000 moves a second (~75 MB/s of frames in all; twice that
 * when they were JSON) would take more of this machine's two cores than the server, and would measure the test
 * harness instead of the server:
 *   full   decodes every frame as a dashboard does and stamps every move: socket.io-client (sio) or ws + the
 *          same decoding by hand (ws). The move latencies come from these.
 *   light  a bare WebSocket speaking the Engine.IO 4 / Socket.IO 5 protocol (connect, ping/pong, subscribe with
 *          ack) that reads only the head of each frame (seq and send time) and its size. The server does exactly
 *          the same work for it; it still receives every byte.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { io as connect, type Socket } from 'socket.io-client'
import { WebSocket } from 'ws'
import { LIVE_NAMESPACE } from '../../server/live/live-hub.ts'
import { decodeUnitFrame, type UnitFrame, type WireUnitFrame } from '../../geo/live/unit-frame.ts'
import { newHistogram, record } from './histogram.ts'
import { wallNow, type ClientCommand, type ClientReply } from './fanout-protocol.ts'

interface Event {
  seq: number
  t: number
  event: { at?: number }
}

/** A small histogram: 1 ms buckets up to 10 s. */
class MsCounts {
  counts = new Uint32Array(10_000)
  n = 0
  add(latencyMs: number): void {
    this.counts[Math.min(this.counts.length - 1, Math.max(0, Math.floor(latencyMs)))]++
    this.n++
  }
  p99(): number {
    const rank = Math.ceil(0.99 * this.n)
    let seen = 0
    for (let i = 0; i < this.counts.length; i++) if ((seen += this.counts[i]) >= rank) return i + 1
    return NaN
  }
  reset(): void {
    this.counts.fill(0)
    this.n = 0
  }
}

/** One client's own view: its latencies and the last sequence numbers it saw. */
class ClientTrack {
  moves = new MsCounts()
  frames = new MsCounts()
  /** Frame latency sum and count per quarter of the window: a client falling behind shows it growing. */
  quarterSum = [0, 0, 0, 0]
  quarterN = [0, 0, 0, 0]
  unitSeq: number | undefined
  eventSeq: number | undefined
  /** A units frame whose head (text) came and whose numbers (the binary message after it) have not yet. */
  head: { seq: number; t: number; bytes: number } | undefined
  wire: WireUnitFrame | undefined
}

const send = (m: ClientReply) => process.send!(m)
const tracks: ClientTrack[] = []
const closers: Array<() => void> = []
let measuring = false
/** Events are counted a little past the window: those published in it but still on their way count too. */
let measuringEvents = false
/** The first `fullCount` tracks are full clients (connected first). */
let fullCount = 0
let measureStart = 0
let windowMs = 1
let disconnects = 0
let stats = fresh()
const subscribe = newHistogram()
const loop = monitorEventLoopDelay({ resolution: 10 })

function fresh() {
  return {
    moves: newHistogram(),
    frames: newHistogram(),
    events: newHistogram(),
    frameCount: 0,
    frameBytes: 0,
    unitGaps: 0,
    eventGaps: 0,
  }
}

function onFrame(track: ClientTrack, f: UnitFrame, bytes: number): void {
  const now = Date.now()
  if (track.unitSeq !== undefined && f.seq !== track.unitSeq + 1 && measuring) stats.unitGaps += f.seq - track.unitSeq - 1
  track.unitSeq = f.seq
  if (!measuring) return
  stats.frameCount++
  stats.frameBytes += bytes
  record(stats.frames, now - f.t)
  track.frames.add(now - f.t)
  addQuarter(track, now, now - f.t)
  for (const m of f.moves) {
    record(stats.moves, now - m[5])
    track.moves.add(now - m[5])
  }
}

function onEvent(track: ClientTrack, e: Event): void {
  const now = wallNow()
  if (track.eventSeq !== undefined && e.seq !== track.eventSeq + 1 && measuringEvents) stats.eventGaps += e.seq - track.eventSeq - 1
  track.eventSeq = e.seq
  if (measuringEvents && typeof e.event?.at === 'number') record(stats.events, now - e.event.at)
}

function connectSio(url: string, layers: string[], token?: string): Promise<void> {
  const t0 = performance.now()
  return new Promise<void>((resolve, reject) => {
    const track = new ClientTrack()
    tracks.push(track)
    const socket: Socket = connect(`${url}${LIVE_NAMESPACE}`, { transports: ['websocket'], forceNew: true, reconnection: false, timeout: 60_000, auth: { token } })
    closers.push(() => socket.close())
    // The engine hands each message to the decoder: a frame is its head's text (ASCII) and then its numbers.
    let lastBytes = 0
    socket.io.on('open', () =>
      socket.io.engine.on('data', (d: unknown) => {
        if (typeof d === 'string') lastBytes = d.length
        else lastBytes += (d as Uint8Array | ArrayBuffer).byteLength
      }),
    )
    socket.on('units', (f: WireUnitFrame) => onFrame(track, decodeUnitFrame(f), lastBytes))
    socket.on('incidents', (e: Event) => onEvent(track, e))
    socket.on('disconnect', () => disconnects++)
    socket.once('connect_error', reject)
    socket.once('connect', () => {
      socket
        .timeout(120_000)
        .emitWithAck('subscribe', { layers })
        .then((reply: Record<string, { seq: number } | undefined> & { error?: unknown }) => {
          if (reply.error) throw new Error(`subscribe refused: ${JSON.stringify(reply.error)}`)
          track.unitSeq = reply.units?.seq
          track.eventSeq = reply.incidents?.seq
          record(subscribe, performance.now() - t0)
          resolve()
        })
        .catch(reject)
    })
  })
}

/**
 * Seq and send time from the start of a unit frame's head, `451-/live,["units",{"seq":N,"t":T,...` (a binary
 * event with one attachment), without parsing the rest.
 */
function frameHead(data: Buffer): { seq: number; t: number } | null {
  const head = data.toString('latin1', 0, Math.min(data.length, 96))
  const m = /^451-\/live,\["units",\{"seq":(\d+),"t":(\d+)/.exec(head)
  return m ? { seq: Number(m[1]), t: Number(m[2]) } : null
}

/** A frame is counted when its numbers, the binary message after its head, have come too. */
function onLightMessage(track: ClientTrack, data: Buffer, isBinary: boolean): void {
  if (isBinary) {
    if (track.head) onFrameHead(track, track.head.seq, track.head.t, track.head.bytes + data.length)
    track.head = undefined
    return
  }
  const head = frameHead(data)
  if (head) track.head = { ...head, bytes: data.length - 1 }
  else if (data.toString('latin1', 0, 20).startsWith('42/live,["incidents"')) {
    const text = data.toString()
    onEvent(track, (JSON.parse(text.slice(text.indexOf('['))) as [string, Event])[1])
  }
}

function onFrameHead(track: ClientTrack, seq: number, t: number, bytes: number): void {
  const now = Date.now()
  if (track.unitSeq !== undefined && seq !== track.unitSeq + 1 && measuring) stats.unitGaps += seq - track.unitSeq - 1
  track.unitSeq = seq
  if (!measuring) return
  stats.frameCount++
  stats.frameBytes += bytes
  record(stats.frames, now - t)
  track.frames.add(now - t)
  addQuarter(track, now, now - t)
}

function addQuarter(track: ClientTrack, now: number, latency: number): void {
  const q = Math.min(3, Math.max(0, Math.floor(((now - measureStart) / windowMs) * 4)))
  track.quarterSum[q] += latency
  track.quarterN[q]++
}

/** How much later frames reached this client at the end of the window than at its start, ms. */
function lagGrowth(track: ClientTrack): number {
  const mean = (q: number) => (track.quarterN[q] ? track.quarterSum[q] / track.quarterN[q] : NaN)
  return mean(3) - mean(0)
}

/** Socket.IO by hand: EIO open -> namespace connect -> subscribe (ack with the snapshot) -> frames; pongs. */
function connectSioLight(url: string, layers: string[], token?: string): Promise<void> {
  const t0 = performance.now()
  return new Promise<void>((resolve, reject) => {
    const track = new ClientTrack()
    tracks.push(track)
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false })
    closers.push(() => ws.terminate())
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return onLightMessage(track, data, true)
      switch (data[0]) {
        case 0x30: // EIO open: connect to the namespace
          ws.send(`40${LIVE_NAMESPACE},${token ? JSON.stringify({ token }) : ''}`)
          return
        case 0x32: // EIO ping
          ws.send('3')
          return
        case 0x34: // EIO message carrying a Socket.IO packet
          break
        default:
          return
      }
      if (data[1] === 0x32 || data[1] === 0x35) onLightMessage(track, data, false) // EVENT, BINARY_EVENT
      else if (data[1] === 0x30) ws.send(`42${LIVE_NAMESPACE},1${JSON.stringify(['subscribe', { layers }])}`) // CONNECTed
      else if (data[1] === 0x33) {
        // ACK of the subscription: 43/live,1[{units:{seq,rows},...}]
        const text = data.toString()
        const [reply] = JSON.parse(text.slice(text.indexOf('['))) as [Record<string, { seq: number } | undefined> & { error?: unknown }]
        if (reply.error) return reject(new Error(`subscribe refused: ${JSON.stringify(reply.error)}`))
        track.unitSeq = reply.units?.seq
        track.eventSeq = reply.incidents?.seq
        record(subscribe, performance.now() - t0)
        resolve()
      } else if (data[1] === 0x34) reject(new Error(`namespace connect refused: ${data.toString()}`))
    })
    ws.on('close', () => disconnects++)
    ws.once('error', reject)
  })
}

function connectWs(url: string, light: boolean): Promise<void> {
  const t0 = performance.now()
  return new Promise<void>((resolve, reject) => {
    const track = new ClientTrack()
    tracks.push(track)
    const ws = new WebSocket(url, { perMessageDeflate: false })
    closers.push(() => ws.terminate())
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (light) return onLightMessage(track, data, isBinary)
      // What socket.io-parser does: JSON.parse a packet's text after its type and namespace, then put the binary
      // message that follows in the attachment's place.
      if (isBinary) {
        if (track.wire && track.head) onFrame(track, decodeUnitFrame({ ...track.wire, data }), track.head.bytes + data.length)
        track.wire = track.head = undefined
        return
      }
      const text = data.toString()
      const [name, payload] = JSON.parse(text.slice(text.indexOf('['))) as [string, unknown]
      if (name === 'units') {
        track.wire = payload as WireUnitFrame
        track.head = { seq: track.wire.seq, t: track.wire.t, bytes: text.length - 1 }
      } else onEvent(track, payload as Event)
    })
    ws.on('close', () => disconnects++)
    ws.once('error', reject)
    ws.once('open', () => {
      record(subscribe, performance.now() - t0)
      resolve()
    })
  })
}

async function connectAll(cmd: Extract<ClientCommand, { kind: 'connect' }>): Promise<void> {
  const t0 = performance.now()
  let next = 0
  const total = cmd.full + cmd.light
  // A few at a time: each Socket.IO subscription reads a snapshot of every unit.
  await Promise.all(
    Array.from({ length: Math.min(10, total) }, async () => {
      while (next < total) {
        const light = next++ >= cmd.full
        if (cmd.mode === 'ws') await connectWs(cmd.url, light)
        else await (light ? connectSioLight(cmd.url, cmd.layers, cmd.token) : connectSio(cmd.url, cmd.layers, cmd.token))
      }
    }),
  )
  send({ kind: 'connected', clients: tracks.length, ms: performance.now() - t0 })
}

process.on('message', (cmd: ClientCommand) => {
  switch (cmd.kind) {
    case 'connect':
      fullCount = cmd.full
      connectAll(cmd).catch((err) => {
        console.error('bench clients: connect failed:', err)
        process.exit(1)
      })
      break
    case 'measure':
      if (cmd.on) {
        stats = fresh()
        measureStart = Date.now()
        windowMs = cmd.windowMs ?? 1
        for (const t of tracks) {
          t.moves.reset()
          t.frames.reset()
          t.quarterSum.fill(0)
          t.quarterN.fill(0)
        }
        disconnects = 0
        loop.reset()
        loop.enable()
        measuring = true
        measuringEvents = true
      } else {
        measuring = false
        loop.disable()
      }
      break
    case 'collect':
      measuringEvents = false
      send({
        kind: 'stats',
        clients: tracks.length,
        disconnects,
        ...stats,
        perClient: tracks.map((t, i) => ({ full: i < fullCount, p99: t.moves.p99(), frameP99: t.frames.p99(), moves: t.moves.n, frames: t.frames.n, lagGrowth: lagGrowth(t) })),
        subscribe,
        loopDelayP99: loop.percentile(99) / 1e6,
      })
      break
    case 'stop':
      for (const close of closers) close()
      setTimeout(() => process.exit(0), 100)
      break
  }
})
