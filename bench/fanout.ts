/**
 * Fan-out: 10,000 units reporting once a second, through the real ingest path, to 200 Socket.IO clients of the
 * live hub; latency from ingest to each client, server CPU, and whether any client falls behind. Baseline, in
 * the same run: a bare `ws` server sending the same frames (same bytes, same rate, same coalescing) to 200 bare
 * `ws` clients. Also the event path: incidents published with hub.publishEvent while the positions flow.
 *
 * Processes: the gridwatch server (bench/lib/fanout-server.ts) or the baseline server (fanout-ws-server.ts) in
 * one child; the clients spread over --client-procs children (fanout-clients.ts); the injector, playing the
 * trackers' gateway, here. Latency of a move = its arrival at a client − its device time, which the injector
 * sets to the moment it sends the fix (same clock: one machine).
 */
import { ChildProcess } from 'node:child_process'
import { Agent, request } from 'node:http'
import { boolFlag, numFlag } from './lib/args.ts'
import { forkHelper, nextMessage, stopHelper } from './lib/child.ts'
import type { ClientCommand, ClientReply, ClientStats, FanoutUnit, ServerCommand, ServerReply } from './lib/fanout-protocol.ts'
import { merge, newHistogram, quantile, record, type Histogram } from './lib/histogram.ts'
import { cpuSeconds, CpuMeter, postgresCpuProbe } from './lib/proc-stats.ts'
import { int, ms, pct, times, type BenchContext, type BenchReport, type BenchRow } from './lib/report.ts'
import { trackPoint } from './lib/tracks.ts'
import { LIVE_FRAME_MS } from '../server/live/live-hub.ts'

const TARGET = { p50: 50, p99: 150, eventP99: 25 }
/** A client whose frames arrive this much later in the last quarter of the window than in the first is falling behind. */
const LAG_GROWTH_MS = 100

interface Settings {
  units: number
  clients: number
  procs: number
  /** Clients that decode every frame (socket.io-client); the rest read frame heads only. */
  full: number
  seconds: number
  warmup: number
  slices: number
  events: number
}

interface RunResult {
  stats: ClientStats
  cpu: Record<string, number>
  server: Extract<ServerReply, { kind: 'measured' }>
  connectMs: number
  injector?: InjectorStats
}

export async function fanoutBench({ args, city, log }: BenchContext): Promise<BenchReport> {
  const s: Settings = {
    units: Math.min(numFlag(args, 'units', 10_000, 2_000), city.units),
    clients: numFlag(args, 'clients', 200, 50),
    procs: Math.max(1, numFlag(args, 'client-procs', 2)),
    full: 0,
    seconds: numFlag(args, 'seconds', 20, 10),
    warmup: numFlag(args, 'warmup', 5, 3),
    slices: numFlag(args, 'slices', 20),
    events: numFlag(args, 'events', 1000, 300),
  }
  s.full = Math.min(s.clients, numFlag(args, 'full-clients', 10, 4))
  const prof = boolFlag(args, 'prof')

  // ---- gridwatch ----
  log.info(`fanout: starting the server with ${int(s.units)} units`)
  const server = forkHelper(new URL('./lib/fanout-server.ts', import.meta.url))
  let measured: RunResult
  let units: FanoutUnit[] = []
  let profileTop: string[] = []
  try {
    server.send({ kind: 'start', source: city.source, units: s.units, profile: prof } satisfies ServerCommand)
    const ready = await nextMessage<ServerReply>(server, (m) => m.kind === 'ready', 600_000)
    if (ready.kind !== 'ready') throw new Error('unexpected reply')
    units = ready.units
    const injector = new Injector(ready.url, units, s.slices, ready.tokens?.gateway)
    const database = city.source.backend === 'postgres' ? new URL(city.source.url).pathname.slice(1) : undefined
    measured = await runClients(s, 'sio', ready.url, server, database, log, ready.tokens?.live, {
      beforeWarmup: () => injector.start(),
      onMeasure: (on) => injector.measure(on),
      afterMeasure: () => injector.stop(),
      injector: () => injector.stats(),
    })
  } finally {
    await stopHelper(server, 30_000)
  }
  if (measured.server.profile) profileTop = ['gridwatch server process, CPU profile of the measured window:', ...measured.server.profile.map((l) => `  ${l}`)]

  // ---- baseline: bare ws, same frames ----
  log.info('fanout: baseline, a bare ws broadcast of the same frames')
  const wsServer = forkHelper(new URL('./lib/fanout-ws-server.ts', import.meta.url))
  let baseline: RunResult
  try {
    wsServer.send({ kind: 'start-ws', units, slicesPerSecond: s.slices, frameMs: LIVE_FRAME_MS } satisfies ServerCommand)
    const ready = await nextMessage<ServerReply>(wsServer, (m) => m.kind === 'ready', 60_000)
    if (ready.kind !== 'ready') throw new Error('unexpected reply')
    baseline = await runClients(s, 'ws', ready.url, wsServer, undefined, log, undefined, {})
  } finally {
    await stopHelper(wsServer)
  }

  return report(s, measured, baseline, city.backend, profileTop)
}

interface Hooks {
  beforeWarmup?(): void
  onMeasure?(on: boolean): void
  afterMeasure?(): Promise<void>
  injector?(): InjectorStats
}

/** Connects the clients, warms up, measures for the window, and collects everything. */
async function runClients(
  s: Settings,
  mode: 'sio' | 'ws',
  url: string,
  server: ChildProcess,
  /** On PostgreSQL: the benchmark database, whose backends' CPU is counted. */
  database: string | undefined,
  log: import('../server/logger.ts').Logger,
  /** Bearer token the clients present (gridwatch's /live authenticates every connection). */
  token: string | undefined,
  hooks: Hooks,
): Promise<RunResult> {
  const procs: ChildProcess[] = []
  try {
    log.info(`fanout: connecting ${s.clients} ${mode === 'sio' ? 'Socket.IO' : 'ws'} clients in ${s.procs} processes`)
    const t0 = performance.now()
    const share = (n: number, i: number) => Math.floor(n / s.procs) + (i < n % s.procs ? 1 : 0)
    for (let i = 0; i < s.procs; i++) {
      const p = forkHelper(new URL('./lib/fanout-clients.ts', import.meta.url))
      procs.push(p)
      const full = share(s.full, i)
      p.send({ kind: 'connect', mode, url, full, light: share(s.clients, i) - full, layers: ['units', 'incidents'], token } satisfies ClientCommand)
    }
    await Promise.all(procs.map((p) => nextMessage<ClientReply>(p, (m) => m.kind === 'connected', 600_000)))
    const connectMs = performance.now() - t0

    hooks.beforeWarmup?.()
    log.info(`fanout: warming up ${s.warmup} s, then measuring ${s.seconds} s`)
    await sleep(s.warmup * 1000)

    const meter = new CpuMeter({
      server: () => cpuSeconds(server.pid!),
      clients: () => procs.reduce((a, p) => a + cpuSeconds(p.pid!), 0),
      injector: () => {
        const u = process.cpuUsage()
        return (u.user + u.system) / 1e6
      },
      ...(database ? { postgres: postgresCpuProbe(database) } : {}),
    })
    meter.begin()
    hooks.onMeasure?.(true)
    for (const p of procs) p.send({ kind: 'measure', on: true, windowMs: s.seconds * 1000 } satisfies ClientCommand)
    server.send({ kind: 'measure', on: true } satisfies ServerCommand)
    // Spread the events over the window, the last one well before it closes.
    server.send({ kind: 'events', count: s.events, intervalMs: Math.max(1, (s.seconds * 1000 - 1000) / s.events) } satisfies ServerCommand)
    await sleep(s.seconds * 1000)
    for (const p of procs) p.send({ kind: 'measure', on: false } satisfies ClientCommand)
    const serverP = nextMessage<ServerReply>(server, (m) => m.kind === 'measured', 60_000)
    server.send({ kind: 'measure', on: false } satisfies ServerCommand)
    hooks.onMeasure?.(false)
    const cpu = meter.end()
    // The server answers once its event loop is free, so every event is published by then; give them a second
    // to arrive, then collect.
    const serverStats = (await serverP) as Extract<ServerReply, { kind: 'measured' }>
    await sleep(1000)
    const statsP = procs.map((p) => nextMessage<ClientReply>(p, (m) => m.kind === 'stats', 60_000))
    for (const p of procs) p.send({ kind: 'collect' } satisfies ClientCommand)
    const parts = (await Promise.all(statsP)) as Array<Extract<ClientReply, { kind: 'stats' }>>
    await hooks.afterMeasure?.()
    return { stats: mergeStats(parts), cpu, server: serverStats, connectMs, injector: hooks.injector?.() }
  } finally {
    await Promise.all(procs.map((p) => stopHelper(p)))
  }
}

function mergeStats(parts: ClientStats[]): ClientStats {
  const out: ClientStats = {
    clients: 0, disconnects: 0, moves: newHistogram(), frames: newHistogram(), events: newHistogram(),
    frameCount: 0, frameBytes: 0, unitGaps: 0, eventGaps: 0, perClient: [], loopDelayP99: 0, subscribe: newHistogram(),
  }
  for (const p of parts) {
    out.clients += p.clients
    out.disconnects += p.disconnects
    merge(out.moves, p.moves)
    merge(out.frames, p.frames)
    merge(out.events, p.events)
    merge(out.subscribe, p.subscribe)
    out.frameCount += p.frameCount
    out.frameBytes += p.frameBytes
    out.unitGaps += p.unitGaps
    out.eventGaps += p.eventGaps
    out.perClient.push(...p.perClient)
    out.loopDelayP99 = Math.max(out.loopDelayP99, p.loopDelayP99)
  }
  return out
}

// ---- the injector: the trackers' gateway, posting each unit's fix once a second in slices ----

interface InjectorStats {
  posts: number
  fixes: number
  failed: number
  firstError?: string
  /** POST round trip (accepted and committed), ms. */
  ack: Histogram
  lateTicks: number
  maxInFlight: number
}

class Injector {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 16 })
  private readonly host: string
  private readonly port: string
  private timer: NodeJS.Timeout | undefined
  private tick = 0
  private t0 = 0
  private inFlight = 0
  private readonly idle: Array<() => void> = []
  private measuring = false
  private s: InjectorStats = Injector.fresh()

  constructor(url: string, private readonly units: FanoutUnit[], private readonly slices: number, private readonly token?: string) {
    const u = new URL(url)
    this.host = u.hostname
    this.port = u.port
  }

  private static fresh(): InjectorStats {
    return { posts: 0, fixes: 0, failed: 0, ack: newHistogram(), lateTicks: 0, maxInFlight: 0 }
  }

  start(): void {
    this.t0 = performance.now()
    this.step()
  }

  measure(on: boolean): void {
    if (on) this.s = Injector.fresh()
    this.measuring = on
  }

  stats(): InjectorStats {
    return this.s
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    while (this.inFlight > 0) await new Promise<void>((r) => this.idle.push(r))
    this.agent.destroy()
  }

  private step = () => {
    const due = this.t0 + (this.tick * 1000) / this.slices
    if (performance.now() - due > 1000 / this.slices) this.s.lateTicks++
    const slice = this.tick % this.slices
    const second = Math.floor(this.tick / this.slices)
    const now = Date.now()
    const body: unknown[] = []
    for (let i = slice; i < this.units.length; i += this.slices) {
      const u = this.units[i]
      const p = trackPoint(u, i, second)
      body.push({ deviceId: u.deviceId, time: now, lat: p.lat, lon: p.lon, speed: p.speed, heading: p.heading, accuracy: 5 })
    }
    if (body.length) this.post(JSON.stringify(body), body.length)
    this.tick++
    this.timer = setTimeout(this.step, Math.max(0, this.t0 + (this.tick * 1000) / this.slices - performance.now()))
  }

  private post(json: string, n: number): void {
    const measuring = this.measuring
    const t0 = performance.now()
    this.inFlight++
    this.s.maxInFlight = Math.max(this.s.maxInFlight, this.inFlight)
    const done = (ok: boolean, error?: string) => {
      this.inFlight--
      if (measuring) {
        this.s.posts++
        this.s.fixes += n
        if (ok) record(this.s.ack, performance.now() - t0)
        else {
          this.s.failed++
          this.s.firstError ??= error
        }
      }
      if (this.inFlight === 0) for (const r of this.idle.splice(0)) r()
    }
    const req = request(
      {
        agent: this.agent, host: this.host, port: this.port, method: 'POST', path: '/api/v1/positions',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json), ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => done(res.statusCode === 200, `${res.statusCode} ${Buffer.concat(chunks).toString().slice(0, 200)}`))
      },
    )
    req.on('error', (err) => done(false, err.message))
    req.end(json)
  }
}

// ---- the report ----

function report(s: Settings, m: RunResult, b: RunResult, backend: string, profileTop: string[]): BenchReport {
  const q = (h: Histogram, p: number) => quantile(h, p)
  const ratio = (x: number, y: number) => (Number.isFinite(x / y) ? times(x / y) : 'n/a')
  const framesPerClientS = (r: RunResult) => r.stats.frameCount / r.stats.clients / s.seconds
  const bytesPerFrame = (r: RunResult) => r.stats.frameBytes / Math.max(1, r.stats.frameCount)
  const movesPerClientS = (r: RunResult) => r.stats.moves.n / Math.max(1, s.full) / s.seconds
  // Behind: frames reach the client later and later (a queue builds up on its way), it gets fewer frames than the
  // others, or it lost some (a gap, a disconnect).
  const behind = (r: RunResult) => {
    const most = Math.max(...r.stats.perClient.map((c) => c.frames))
    const lagging = r.stats.perClient.filter((c) => c.lagGrowth > LAG_GROWTH_MS || c.frames < 0.95 * most || (c.full && c.moves < 0.95 * s.units * s.seconds)).length
    return Math.max(lagging, r.stats.unitGaps > 0 || r.stats.disconnects > 0 ? 1 : 0)
  }
  const overP99 = (r: RunResult) => r.stats.perClient.filter((c) => c.frameP99 > TARGET.p99).length
  const fellBehind = behind(m)
  const worstP99 = (r: RunResult) => Math.max(...r.stats.perClient.map((c) => c.frameP99))

  const p50 = q(m.stats.moves, 0.5)
  const p99 = q(m.stats.moves, 0.99)
  const ev99 = q(m.stats.events, 0.99)
  const rows: BenchRow[] = [
    { what: 'positions: ingest → client latency p50', value: ms(p50), baseline: ms(q(b.stats.moves, 0.5)), ratio: ratio(p50, q(b.stats.moves, 0.5)), target: `< ${TARGET.p50} ms`, met: p50 < TARGET.p50 },
    { what: 'positions: ingest → client latency p99', value: ms(p99), baseline: ms(q(b.stats.moves, 0.99)), ratio: ratio(p99, q(b.stats.moves, 0.99)), target: `< ${TARGET.p99} ms`, met: p99 < TARGET.p99 },
    { what: '  of which frame sent → client p50', value: ms(q(m.stats.frames, 0.5)), baseline: ms(q(b.stats.frames, 0.5)), ratio: ratio(q(m.stats.frames, 0.5), q(b.stats.frames, 0.5)) },
    { what: '  of which frame sent → client p99', value: ms(q(m.stats.frames, 0.99)), baseline: ms(q(b.stats.frames, 0.99)), ratio: ratio(q(m.stats.frames, 0.99), q(b.stats.frames, 0.99)) },
    { what: 'incident events: publish → client p50', value: ms(q(m.stats.events, 0.5)), baseline: ms(q(b.stats.events, 0.5)), ratio: ratio(q(m.stats.events, 0.5), q(b.stats.events, 0.5)) },
    { what: 'incident events: publish → client p99', value: ms(ev99), baseline: ms(q(b.stats.events, 0.99)), ratio: ratio(ev99, q(b.stats.events, 0.99)), target: `< ${TARGET.eventP99} ms`, met: ev99 < TARGET.eventP99 },
    { what: 'frames per client per second', value: framesPerClientS(m).toFixed(1), baseline: framesPerClientS(b).toFixed(1) },
    { what: 'bytes per frame', value: int(bytesPerFrame(m)), baseline: int(bytesPerFrame(b)), ratio: ratio(bytesPerFrame(m), bytesPerFrame(b)) },
    { what: 'moves received per full client per second', value: int(movesPerClientS(m)), baseline: int(movesPerClientS(b)), target: `${int(s.units)} (every unit)`, met: movesPerClientS(m) >= 0.95 * s.units },
    { what: 'server CPU (% of one core)', value: pct(m.cpu.server), baseline: pct(b.cpu.server), ratio: ratio(m.cpu.server, b.cpu.server) },
    { what: 'clients that fell behind', value: `${fellBehind} of ${m.stats.clients}`, baseline: `${behind(b)} of ${b.stats.clients}`, target: 'none', met: fellBehind === 0 },
  ]
  const inj = m.injector!
  const ingestSaturated = q(inj.ack, 0.99) > 1000
  const notes = [
    ...(ingestSaturated
      ? [
          `INGEST SATURATED: the server could not commit the offered ${int(s.units)} fixes/s (POST acknowledgements took up to ` +
            `${ms(q(inj.ack, 0.99))}, growing); positions queued before they were committed, and the ingest-to-client latency above is mostly ` +
            `that queue, not the fan-out (see the ingest benchmark for this backend's capacity).`,
        ]
      : []),
    `${int(s.units)} units at 1 Hz, posted as bulk JSON in ${s.slices} slices a second (${int(s.units / s.slices)} fixes per POST); ` +
      `${s.clients} clients subscribed to units + incidents, in ${s.procs} client processes: ${s.full} full (socket.io-client, decode every ` +
      `frame; move latencies and moves received come from these) and ${s.clients - s.full} light (Socket.IO protocol by hand over ws, read ` +
      `each frame's seq and send time only; frame latency, sizes and gaps come from all) — 200 decoding clients would decode ~75 MB/s ` +
      `of frames on the server's two cores (when frames were JSON, ~150 MB/s, the baseline's clients alone took both cores); frames at most every ${LIVE_FRAME_MS} ms; ` +
      `${s.warmup} s warm-up, ${s.seconds} s measured; ${int(s.events)} incident events published over the window via hub.publishEvent, each stamped with the time it was due (a blocked event loop counts).`,
    `baseline: a bare ws server making the same moves (same units, tracks, grids, slices), coalescing them the same way and ` +
      `sending each frame as the same Socket.IO messages (the head 451-/live,["units",{...}] and the numbers as a binary message), encoded once ` +
      `per frame, to bare ws clients that decode it as socket.io-parser does.`,
    `ingest: ${int(inj.posts)} POSTs (${int(inj.fixes)} fixes) in the window, ${inj.failed} failed${inj.firstError ? ` (first: ${inj.firstError})` : ''}; ` +
      `POST acknowledged (committed) p50 ${ms(q(inj.ack, 0.5))}, p99 ${ms(q(inj.ack, 0.99))}; at most ${inj.maxInFlight} in flight; ${inj.lateTicks} late ticks.`,
    `gaps in sequence numbers: units ${m.stats.unitGaps}, events ${m.stats.eventGaps} (baseline ${b.stats.unitGaps}, ${b.stats.eventGaps}); ` +
      `disconnects ${m.stats.disconnects}; worst client's frame p99 ${ms(worstP99(m))} (baseline ${ms(worstP99(b))}); ` +
      `largest per-client send backlog at the server ${int(m.server.maxBufferedBytes)} bytes, ${m.server.maxWriteBufferPackets} packets (baseline ${int(b.server.maxBufferedBytes)} bytes).`,
    `events received ${int(m.stats.events.n)} of ${int(m.server.published * m.stats.clients)} expected (baseline ${int(b.stats.events.n)} of ${int(b.server.published * b.stats.clients)}).`,
    `CPU, % of one core: gridwatch server ${pct(m.cpu.server)}${m.cpu.postgres !== undefined ? ` + PostgreSQL (this database's backends + WAL/bg writers) ${pct(m.cpu.postgres)}` : ''}, ` +
      `clients ${pct(m.cpu.clients)}, injector ${pct(m.cpu.injector)}; machine ${pct(m.cpu.machine)} of all cores busy. ` +
      `Baseline: ws server ${pct(b.cpu.server)}, clients ${pct(b.cpu.clients)}, machine ${pct(b.cpu.machine)}.`,
    `client processes' event-loop delay p99: ${ms(m.stats.loopDelayP99)} (baseline ${ms(b.stats.loopDelayP99)}); ` +
      `connecting and subscribing all clients took ${(m.connectMs / 1000).toFixed(1)} s, 10 at a time per client process; one subscription ` +
      `(snapshot of every unit in the city) p50 ${ms(q(m.stats.subscribe, 0.5))}, max ${ms(m.stats.subscribe.max)}.`,
    `server event loop blocked: p99 ${ms(m.server.loopDelayP99)}, longest ${ms(m.server.loopDelayMax)} (baseline ${ms(b.server.loopDelayP99)}, ${ms(b.server.loopDelayMax)}).`,
    `"fell behind": a client whose frames arrived over ${LAG_GROWTH_MS} ms later in the last quarter of the window than in the first ` +
      `(a queue building up), that got under 95% of the frames the best client got (or, full clients, of the moves), or a sequence gap or ` +
      `disconnect. Clients whose own frame-sent-to-received p99 exceeds ${TARGET.p99} ms: ${overP99(m)} (baseline ${overP99(b)}).`,
    ...profileTop,
  ]
  return { name: 'fanout', title: `${int(s.units)} units at 1 Hz to ${s.clients} Socket.IO clients, vs a bare ws broadcast [${backend}]`, rows, notes }
}

const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec))
