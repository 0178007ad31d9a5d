/**
 * Child process: the whole gridwatch server (startServer) on a copy of the benchmark city, so the orchestrator
 * can read its CPU from /proc and its event loop serves only the server. On command it publishes incident events
 * through hub.publishEvent, each stamped with the wall time of the call.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { loadConfig } from '../../server/config/config.ts'
import { startServer, type Running } from '../../server/start.ts'
import { clearPositions, openCity, type OpenCity } from './bench-db.ts'
import { wallNow, type FanoutUnit, type ServerCommand, type ServerReply } from './fanout-protocol.ts'
import { LIVE_NAMESPACE } from '../../server/live/live-hub.ts'
import { Session } from 'node:inspector/promises'
import { fileURLToPath } from 'node:url'
import { summarizeProfile, type CpuProfile } from './cpuprofile.ts'
import { benchToken } from './bench-auth.ts'

const send = (m: ServerReply) => process.send!(m)
/** How long the server's event loop was blocked at a time: what delays an immediate event. */
const loop = monitorEventLoopDelay({ resolution: 5 })
let open: OpenCity | undefined
let running: Running | undefined
let dataDir = ''
let published = 0
let sampler: NodeJS.Timeout | undefined
let maxBufferedBytes = 0
let maxWriteBufferPackets = 0
let profiling: Session | undefined
let wantProfile = false

/** How far behind the server is with each client: bytes queued in its WebSocket and packets in engine.io. */
function sampleBacklog(): void {
  const live = running!.hub.io.of(LIVE_NAMESPACE)
  for (const socket of live.sockets.values()) {
    const conn = socket.conn as unknown as { writeBuffer?: unknown[]; transport?: { socket?: { bufferedAmount?: number } } }
    maxWriteBufferPackets = Math.max(maxWriteBufferPackets, conn.writeBuffer?.length ?? 0)
    maxBufferedBytes = Math.max(maxBufferedBytes, conn.transport?.socket?.bufferedAmount ?? 0)
  }
}

async function start(cmd: Extract<ServerCommand, { kind: 'start' }>): Promise<void> {
  wantProfile = cmd.profile === true
  open = await openCity(cmd.source, 4)
  await clearPositions(open.db)
  dataDir = mkdtempSync(join(tmpdir(), 'gw-bench-fanout-'))
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SIMULATOR: 'off', LOG_LEVEL: 'silent', MQTT_PORT: 'off' })
  running = await startServer(config, pino({ level: 'silent' }), { db: open.db })
  const units = await open.db.query<FanoutUnit>(
    `SELECT u.id AS "unitId", d.id AS "deviceId", ST_X(u.home) AS lon, ST_Y(u.home) AS lat, u.grid_code AS "gridCode"
     FROM unit u JOIN device d ON d.unit_id = u.id AND d.active ORDER BY u.id LIMIT $1`,
    [cmd.units],
  )
  // The clients watch the whole city, like the command centre's wall.
  const city = await open.db.query<{ code: string }>(`SELECT code FROM admin_area WHERE level = 'city' ORDER BY code LIMIT 1`)
  const tokens = { gateway: await benchToken(open.db, 'gateway'), live: await benchToken(open.db, 'wall', [city.rows[0].code]) }
  send({ kind: 'ready', url: running.url, units: units.rows, tokens })
}

/**
 * Publishes `count` events `intervalMs` apart. Each is stamped with the time it was due, not the time the timer
 * got to run: an event that comes in while the event loop is blocked (a camera webhook during a long commit)
 * waits too, and that wait belongs in its latency.
 */
function publishEvents(count: number, intervalMs: number): void {
  const start = wallNow()
  let i = 0
  const fire = () => {
    const now = wallNow()
    for (; i < count && start + i * intervalMs <= now; i++) {
      // Incidents go to the city room, where every benchmark client listens; never batched.
      running!.hub.publishEvent('incidents', null, { id: `bench-${i}`, at: start + i * intervalMs })
      published++
    }
    if (i < count) setTimeout(fire, Math.max(0, start + i * intervalMs - wallNow()))
  }
  fire()
}

async function startProfile(): Promise<void> {
  profiling = new Session()
  profiling.connect()
  await profiling.post('Profiler.enable')
  await profiling.post('Profiler.setSamplingInterval', { interval: 500 })
  await profiling.post('Profiler.start')
}

async function stopProfile(): Promise<string[] | undefined> {
  if (!profiling) return undefined
  const { profile } = (await profiling.post('Profiler.stop')) as unknown as { profile: CpuProfile }
  profiling.disconnect()
  profiling = undefined
  return summarizeProfile(profile, fileURLToPath(new URL('../../', import.meta.url)))
}

async function stop(): Promise<void> {
  if (sampler) clearInterval(sampler)
  if (running) {
    running.http.closeAllConnections()
    await running.close()
  }
  await open?.close()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  process.exit(0)
}

process.on('message', (cmd: ServerCommand) => {
  switch (cmd.kind) {
    case 'start':
      start(cmd).catch((err) => {
        console.error(err)
        process.exit(1)
      })
      break
    case 'events':
      publishEvents(cmd.count, cmd.intervalMs)
      break
    case 'measure':
      if (cmd.on) {
        maxBufferedBytes = 0
        loop.reset()
        loop.enable()
        maxWriteBufferPackets = 0
        sampler = setInterval(sampleBacklog, 250)
        if (wantProfile) void startProfile()
      } else {
        clearInterval(sampler)
        sampler = undefined
        loop.disable()
        const stats = { maxBufferedBytes, maxWriteBufferPackets, published, loopDelayP99: loop.percentile(99) / 1e6, loopDelayMax: loop.max / 1e6 }
        void stopProfile().then((profile) => send({ kind: 'measured', ...stats, ...(profile ? { profile } : {}) }))
      }
      break
    case 'stop':
      void stop()
      break
  }
})
