/**
 * Child process: the baseline for the fan-out. A bare `ws` server that makes the same traffic as gridwatch
 * without ingest, database or Socket.IO: each unit moves once a second (in the same slices), moves are coalesced
 * and every frameMs the frame is encoded once, in the exact messages Socket.IO puts on the wire (the head
 * `451-/live,["units",{seq,t,ids,grids,data:<placeholder>}]`, then the numbers as a binary message), and written
 * to every client. Events are sent at once, as gridwatch does.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Encoder, PacketType } from 'socket.io-parser'
import { WebSocketServer, type WebSocket } from 'ws'
import { encodeUnitFrame, type UnitMove } from '../../geo/live/unit-frame.ts'
import { LIVE_NAMESPACE } from '../../server/live/live-hub.ts'
import { wallNow, type FanoutUnit, type ServerCommand, type ServerReply } from './fanout-protocol.ts'
import { trackPoint } from './tracks.ts'

const send = (m: ServerReply) => process.send!(m)
/** How long the server's event loop was blocked at a time: what delays an immediate event. */
const loop = monitorEventLoopDelay({ resolution: 5 })
const http = createServer()
const wss = new WebSocketServer({ server: http, perMessageDeflate: false })
const clients = new Set<WebSocket>()
wss.on('connection', (ws) => {
  clients.add(ws)
  ws.on('close', () => clients.delete(ws))
})
let unitSeq = 0
let eventSeq = 0
let published = 0
let sampler: NodeJS.Timeout | undefined
let maxBufferedBytes = 0
const timers: NodeJS.Timeout[] = []

const broadcast = (text: string) => {
  // One Buffer for all: what a hand-written broadcast does, and what Socket.IO does with its pre-encoded frame.
  const buf = Buffer.from(text)
  for (const ws of clients) ws.send(buf, { binary: false })
}

const encoder = new Encoder()
/** A packet with binary parts, as Engine.IO sends it over WebSocket: the head as text after "4", each part raw. */
const broadcastBinary = (event: string, payload: unknown) => {
  for (const part of encoder.encode({ type: PacketType.EVENT, nsp: LIVE_NAMESPACE, data: [event, payload] }) as Array<string | Uint8Array>) {
    if (typeof part === 'string') broadcast(`4${part}`)
    else for (const ws of clients) ws.send(part, { binary: true })
  }
}

function startTraffic(units: FanoutUnit[], slicesPerSecond: number, frameMs: number): void {
  let pending = new Map<string, UnitMove>()
  const t0 = performance.now()
  let tick = 0
  const step = () => {
    const slice = tick % slicesPerSecond
    const second = Math.floor(tick / slicesPerSecond)
    const now = Date.now()
    for (let i = slice; i < units.length; i += slicesPerSecond) {
      const u = units[i]
      const p = trackPoint(u, i, second)
      pending.set(u.unitId, [u.unitId, Math.round(p.lon * 1e6) / 1e6, Math.round(p.lat * 1e6) / 1e6, p.heading, p.speed, now, u.gridCode])
    }
    tick++
    // Drift-free schedule, like the injector's.
    timers[0] = setTimeout(step, Math.max(0, t0 + (tick * 1000) / slicesPerSecond - performance.now()))
  }
  step()
  timers.push(
    setInterval(() => {
      if (pending.size === 0) return
      const moves = [...pending.values()]
      pending = new Map()
      broadcastBinary('units', encodeUnitFrame({ seq: ++unitSeq, t: Date.now(), moves }))
    }, frameMs),
  )
}

process.on('message', (cmd: ServerCommand) => {
  switch (cmd.kind) {
    case 'start-ws':
      http.listen(0, '127.0.0.1', () => {
        startTraffic(cmd.units, cmd.slicesPerSecond, cmd.frameMs)
        send({ kind: 'ready', url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`, units: [] })
      })
      break
    case 'events': {
      // As in fanout-server.ts: stamped with the time each was due.
      const start = wallNow()
      let i = 0
      const fire = () => {
        const now = wallNow()
        for (; i < cmd.count && start + i * cmd.intervalMs <= now; i++) {
          broadcast(`42/live,${JSON.stringify(['incidents', { seq: ++eventSeq, t: Date.now(), event: { id: `bench-${i}`, at: start + i * cmd.intervalMs } }])}`)
          published++
        }
        if (i < cmd.count) timers.push(setTimeout(fire, Math.max(0, start + i * cmd.intervalMs - wallNow())))
      }
      fire()
      break
    }
    case 'measure':
      if (cmd.on) {
        maxBufferedBytes = 0
        loop.reset()
        loop.enable()
        sampler = setInterval(() => {
          for (const ws of clients) maxBufferedBytes = Math.max(maxBufferedBytes, ws.bufferedAmount)
        }, 250)
      } else {
        clearInterval(sampler)
        loop.disable()
        send({ kind: 'measured', maxBufferedBytes, maxWriteBufferPackets: 0, published, loopDelayP99: loop.percentile(99) / 1e6, loopDelayMax: loop.max / 1e6 })
      }
      break
    case 'stop':
      for (const t of timers) clearTimeout(t)
      for (const ws of clients) ws.terminate()
      wss.close()
      http.close(() => process.exit(0))
      break
    default:
      break
  }
})
