/**
 * Ingest: positions persisted end to end (history row + latest position) per second, through each way in,
 * against a raw COPY of the same rows into the same tables in the same run.
 *
 *   baseline  raw COPY of the history rows and of the latest row per unit, one transaction
 *   (a)       HTTP bulk: POST /api/v1/positions to a started server, keep-alive, a few senders
 *   (b)       the pipeline directly (PositionPipeline.submit, no HTTP)
 *   (c)       OsmAnd: GET /ingest/osmand, one fix per request, many keep-alive connections
 *   (d)       MQTT: OwnTracks messages, QoS 1, to the server's embedded broker (server/mqtt)
 *   (e)       the same through Mosquitto with the deployment's settings (or the broker at --mqtt-url)
 *
 * The load generators run in child processes (bench/lib/http-load.ts, bench/lib/mqtt-load.ts) so that the
 * server's process only serves. Tables are emptied between runs and each run gets a fresh server and pipeline.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline as pipe } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { connectAsync } from 'mqtt'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import pino from 'pino'
import type { PositionFix } from '../geo/ingest/position-fix.ts'
import type { GridIndex } from '../geo/grid-index/grid-index.ts'
import { loadConfig } from '../server/config/config.ts'
import type { Db } from '../server/db/db.ts'
import { loadDeviceRegistry } from '../server/ingest/device-registry.ts'
import { loadGridIndex } from '../server/ingest/load-grid-index.ts'
import { PositionPipeline } from '../server/ingest/position-pipeline.ts'
import { PositionWriter } from '../server/ingest/position-writer.ts'
import { startServer, type Running } from '../server/start.ts'
import { canRunPrivateMosquitto, shippedBrokerLimits, startPrivateMosquitto } from '../server/testing/private-mosquitto.ts'
import { boolFlag, numFlag } from './lib/args.ts'
import { profiled, summarizeProfile } from './lib/cpuprofile.ts'
import { clearPositions, openCity, type OpenCity } from './lib/bench-db.ts'
import { forkHelper, nextMessage, stopHelper } from './lib/child.ts'
import type { LoadJob, LoadResult } from './lib/http-load.ts'
import type { MqttDevice, MqttJob, MqttResult } from './lib/mqtt-load.ts'
import { cpuSeconds, CpuMeter, postgresCpuProbe } from './lib/proc-stats.ts'
import { int, pct, type BenchContext, type BenchReport, type BenchRow } from './lib/report.ts'
import { loadBenchUnits, trackPoint, type BenchUnit } from './lib/tracks.ts'
import { BENCH_DEVICE_KEY, benchToken, keyAllDevices } from './lib/bench-auth.ts'

const TARGET_RATE = 24_000
const TARGET_SHARE = 0.3
const silent = pino({ level: 'silent' })
const ROOT = fileURLToPath(new URL('../', import.meta.url))

/** One generated fix: unit `u` (index `i`), `k` seconds into its track. */
interface Fix {
  u: BenchUnit
  timeMs: number
  lon: number
  lat: number
  heading: number
  speed: number
}

interface Measured {
  label: string
  sent: number
  ms: number
  cpu: Record<string, number>
  history: number
  latest: number
  expectLatest: number
  /** Transactions the position writer committed during the run (the baseline: 1). */
  commits: number
  problem?: string
  /** With --prof: where this process's CPU went during the run. */
  profile?: string[]
}

export async function ingestBench({ args, city, log }: BenchContext): Promise<BenchReport> {
  const rows = numFlag(args, 'rows', 200_000, 50_000)
  const unitCount = Math.min(numFlag(args, 'units', 10_000), city.units)
  const batch = numFlag(args, 'batch', 5_000)
  const senders = numFlag(args, 'senders', 4)
  const osmandRows = Math.min(rows, numFlag(args, 'osmand', 5_000, 2_000))
  const osmandConns = numFlag(args, 'osmand-conns', 64)
  const mqttRows = Math.min(rows, numFlag(args, 'mqtt', 100_000, 20_000))
  const prof = boolFlag(args, 'prof')
  const externalMqtt = args.flags.get('mqtt-url')

  const open = await openCity(city.source)
  // Every run goes through this wrapper, which counts the writer's transactions (how well it batches).
  let commits = 0
  const db: Db = { ...open.db, transaction: (fn) => (commits++, open.db.transaction(fn)), transact: (steps) => (commits++, open.db.transact(steps)) }
  try {
    const units = await loadBenchUnits(db, unitCount)
    const grids = await loadGridIndex(db)
    const fixes = makeFixes(units, rows)
    await clearPositions(db)
    const gateway = { authorization: `Bearer ${await benchToken(db, 'gateway')}` }
    await keyAllDevices(db)
    const results: Measured[] = []
    /** Each run starts and stops this around exactly what it times; CPU is read over the same span. */
    let clock: Clock
    const measure = async (label: string, sent: number, expectLatest: number, run: (clock: Clock) => Promise<{ ms: number; problem?: string }>) => {
      log.info(`ingest: ${label}`)
      clock = new Clock(city.source.backend === 'postgres' ? new URL(city.source.url).pathname.slice(1) : undefined)
      commits = 0
      let profile: string[] | undefined
      let r: { ms: number; problem?: string }
      // The baseline is the database alone; profiling it would only show the harness building its input.
      if (prof && results.length > 0) {
        const p = await profiled(() => run(clock))
        r = p.result
        profile = summarizeProfile(p.profile, ROOT, 10)
      } else r = await run(clock)
      const counts = await db.query<{ h: number; l: number }>(
        'SELECT (SELECT count(*) FROM position_history)::int AS h, (SELECT count(*) FROM unit_position_latest)::int AS l',
      )
      results.push({ label, sent, ms: r.ms, cpu: clock.cpu, history: counts.rows[0].h, latest: counts.rows[0].l, expectLatest, commits: Math.max(commits, 1), problem: r.problem, profile })
      await clearPositions(db)
    }

    // Baseline: the database's own bulk load of the same rows.
    await measure(`raw COPY (history + latest per unit, one transaction)`, rows, unitCount, async (clock) => {
      const { history, latest } = copyText(fixes, grids)
      return open.pglite ? copyPglite(open, clock, history, latest) : copyPostgres(open, clock, history, latest)
    })

    // (a) HTTP bulk.
    await measure(`HTTP bulk POST /api/v1/positions (${int(batch)} per request, ${senders} senders, keep-alive)`, rows, unitCount, async (clock) => {
      const requests: LoadJob['requests'] = []
      for (let i = 0; i < fixes.length; i += batch) {
        requests.push({ method: 'POST', path: '/api/v1/positions', body: JSON.stringify(fixes.slice(i, i + batch).map(bulkItem)) })
      }
      return viaServer(db, { MQTT_PORT: 'off' }, (running) => runLoad(clock, { url: running.url, concurrency: senders, headers: gateway, requests }))
    })

    // (b) The pipeline without HTTP: what parsing, device lookup, filtering and the batched writer cost alone.
    await measure(`pipeline directly (PositionPipeline.submit, ${int(batch)} per call, ${senders} concurrent)`, rows, unitCount, async (clock) => {
      const parsed = fixes.map(positionFix)
      const writer = new PositionWriter(db, silent)
      const pipeline = new PositionPipeline(await loadDeviceRegistry(db), grids, writer)
      await pipeline.restore(db)
      clock.start()
      let next = 0
      await Promise.all(
        Array.from({ length: senders }, async () => {
          while (next < parsed.length) {
            const slice = parsed.slice(next, (next += batch))
            await pipeline.submit(slice)
          }
        }),
      )
      clock.stop()
      await writer.close()
      return { ms: clock.ms }
    })

    // (c) OsmAnd, as Traccar Client sends it: one fix per GET.
    const osmandFixes = fixes.slice(0, osmandRows)
    await measure(`OsmAnd GET /ingest/osmand (1 fix per request, ${osmandConns} connections)`, osmandRows, Math.min(unitCount, osmandRows), async (clock) => {
      const requests: LoadJob['requests'] = osmandFixes.map((f) => ({ method: 'GET', path: osmandPath(f) }))
      return viaServer(db, { MQTT_PORT: 'off' }, (running) => runLoad(clock, { url: running.url, concurrency: osmandConns, requests }))
    })

    // (d) MQTT — the slot for the MQTT ingest (server/mqtt). Runs when the server starts an MQTT ingest and
    // exposes it as `running.mqtt` with the embedded broker's URL; otherwise the row says why it was skipped.
    let mqttSkipped: string | undefined
    // The first seconds of every unit's track: as many phones as units, each sending its next fixes.
    const mqttFixes = fixes.slice(0, mqttRows)
    const mqttLabel = `${int(new Set(mqttFixes.map((f) => f.u)).size)} devices, each its own connection, ${MQTT_IN_FLIGHT} in flight`
    await measure(`MQTT OwnTracks, QoS 1, embedded broker (${mqttLabel})`, mqttFixes.length, new Set(mqttFixes.map((f) => f.u)).size, async (clock) =>
      viaServer(db, { MQTT_PORT: '0' }, async (running) => {
        const mqtt = (running as { mqtt?: { ready: Promise<void>; status(): { port: number | null } } | null }).mqtt
        if (!mqtt) {
          mqttSkipped = 'the server has no MQTT ingest (server/mqtt not wired into startServer)'
          return { ms: NaN }
        }
        await mqtt.ready
        return runMqtt(db, clock, { url: `mqtt://127.0.0.1:${mqtt.status().port}`, inFlight: MQTT_IN_FLIGHT, devices: mqttDevices(mqttFixes, '') })
      }),
    )

    // (e) The same burst through Mosquitto, the deployment's broker: one of our own with the shipped settings
    // (deploy/mosquitto/mosquitto.conf), or the broker at --mqtt-url; a topic prefix and client id of this run's own.
    const ownBroker = !externalMqtt && canRunPrivateMosquitto() ? await startPrivateMosquitto(shippedBrokerLimits()) : undefined
    const brokerUrl = externalMqtt ?? ownBroker?.url
    if (brokerUrl) {
      const run = `gw-bench-${process.pid}`
      const label = ownBroker ? 'Mosquitto with the shipped settings' : `broker ${externalMqtt}`
      try {
        await measure(`MQTT OwnTracks, QoS 1, ${label} (${mqttLabel})`, mqttFixes.length, new Set(mqttFixes.map((f) => f.u)).size, async (clock) =>
          viaServer(db, { MQTT_URL: brokerUrl, MQTT_CLIENT_ID: run, MQTT_TOPIC_PREFIX: `${run}/` }, async (running) => {
            await running.mqtt!.ready
            return runMqtt(db, clock, { url: brokerUrl, inFlight: MQTT_IN_FLIGHT, devices: mqttDevices(mqttFixes, `${run}/`) })
          }),
        )
        // The server's persistent session would otherwise stay on the broker.
        await (await connectAsync(brokerUrl, { clientId: run, clean: true })).endAsync()
      } finally {
        await ownBroker?.stop()
      }
    }

    return report(results, { rows, unitCount, batch, senders, osmandConns, mqttSkipped, backend: city.backend })
  } finally {
    await open.close()
  }
}

function report(
  results: Measured[],
  o: { rows: number; unitCount: number; batch: number; senders: number; osmandConns: number; mqttSkipped?: string; backend: string },
): BenchReport {
  const rate = (m: Measured) => (m.sent / m.ms) * 1000
  const [copy, ...rest] = results
  const copyRate = rate(copy)
  const persisted = (m: Measured) => m.history === m.sent && m.latest === m.expectLatest
  const rows: BenchRow[] = [{ what: `${copy.label} [baseline]`, value: `${int(copyRate)} /s` }]
  const notes: string[] = []
  for (const m of rest) {
    // A run that stored nothing has no rate, whatever its clock says.
    const failed = m.history === 0 && (m.problem !== undefined || !Number.isNaN(m.ms))
    const skipped = Number.isNaN(m.ms) || failed
    const r = rate(m)
    const targeted = m.label.startsWith('HTTP bulk') || m.label.startsWith('MQTT')
    rows.push({
      what: m.label,
      value: failed ? 'failed' : skipped ? 'skipped' : `${int(r)} /s`,
      baseline: `${int(copyRate)} /s`,
      ratio: skipped ? '' : `${pct((r / copyRate) * 100)} of COPY`,
      ...(targeted
        ? { target: `≥${int(TARGET_RATE)}/s and ≥${TARGET_SHARE * 100}%`, ...(skipped ? {} : { met: r >= TARGET_RATE && r / copyRate >= TARGET_SHARE && persisted(m) }) }
        : {}),
    })
  }
  notes.push(
    `${int(o.rows)} positions for ${int(o.unitCount)} units (${Math.ceil(o.rows / o.unitCount)} per unit, 1 s apart, in time order); ` +
      `a rate counts from the first request to the last acknowledgement (all committed), COPY from BEGIN to COMMIT.`,
  )
  for (const m of results) {
    if (Number.isNaN(m.ms)) {
      if (m.problem) notes.push(`${m.label.split(' (')[0]}: not measured; ${m.problem}`)
      continue
    }
    const cpu = Object.entries(m.cpu)
      .filter(([k]) => k !== 'load' || m.cpu.load > 0)
      .map(([k, v]) => `${k === 'server' ? 'bench/server process' : k === 'load' ? 'load generator' : k === 'postgres' ? 'postgres (this database + WAL/bg writers)' : 'machine (all cores)'} ${pct(v)}`)
      .join(', ')
    const check = persisted(m) ? 'all persisted' : `PERSISTED ONLY history ${int(m.history)}/${int(m.sent)}, latest ${int(m.latest)}/${int(m.expectLatest)}`
    const perCommit = `${int(m.commits)} commit${m.commits === 1 ? '' : 's'} (${int(m.history / m.commits)} per commit)`
    // Per position rather than per second: comparable between runs on a shared machine, whatever the wall clock did.
    const serverUs = ((m.cpu.server / 100) * m.ms * 1000) / m.sent
    notes.push(`${m.label.split(' (')[0]}: ${int(m.sent)} in ${(m.ms / 1000).toFixed(2)} s, ${check}, ${perCommit}; CPU ${cpu}; bench/server process ${serverUs.toFixed(1)} µs CPU per position${m.problem ? `; ${m.problem}` : ''}`)
    if (m.profile) notes.push(`  CPU profile of the server's thread${o.backend === 'pglite' ? ' (PGlite runs in a worker thread, not in it)' : ''} during it, with profiler overhead:`, ...m.profile.map((l) => `    ${l}`))
  }
  if (o.mqttSkipped) notes.push(`MQTT skipped: ${o.mqttSkipped}`)
  notes.push('CPU figures are % of one core over the run; "machine" is the share of all cores busy, whoever used them (other work on the machine included).')
  return { name: 'ingest', title: `positions persisted end to end per second (history + latest), vs raw COPY [${o.backend}]`, rows, notes }
}

/**
 * Phones as MQTT clients, each logging in with its device id and key and publishing to its own topic. Ten in
 * flight is Eclipse Paho's default window (OwnTracks for Android uses Paho).
 */
const MQTT_IN_FLIGHT = 10
function mqttDevices(fixes: Fix[], topicPrefix: string): MqttDevice[] {
  const byDevice = new Map<string, MqttDevice>()
  for (const f of fixes) {
    const id = f.u.deviceId
    let d = byDevice.get(id)
    if (!d) byDevice.set(id, (d = { username: id, password: BENCH_DEVICE_KEY, messages: [] }))
    d.messages.push({ topic: `${topicPrefix}owntracks/bench/${id}`, payload: ownTracksPayload(f) })
  }
  return [...byDevice.values()]
}

function makeFixes(units: BenchUnit[], rows: number): Fix[] {
  // A whole second an hour ago: OwnTracks carries whole seconds, and every unit's fixes stay 1 s apart.
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 3_600_000
  const out: Fix[] = []
  for (let k = 0; out.length < rows; k++) {
    for (let i = 0; i < units.length && out.length < rows; i++) {
      const p = trackPoint(units[i], i, k)
      out.push({ u: units[i], timeMs: t0 + k * 1000 + (i % 997), ...p })
    }
  }
  return out
}

const bulkItem = (f: Fix) => ({
  deviceId: f.u.deviceId, time: new Date(f.timeMs).toISOString(), lat: f.lat, lon: f.lon, speed: f.speed, heading: f.heading, accuracy: 5, battery: 80,
})

const positionFix = (f: Fix): PositionFix => ({
  source: 'bulk', deviceId: f.u.deviceId, deviceTime: new Date(f.timeMs), lon: f.lon, lat: f.lat,
  speedMps: f.speed, headingDeg: f.heading, accuracyM: 5, altitudeM: null, batteryPct: 80,
})

const osmandPath = (f: Fix) =>
  `/ingest/osmand?id=${encodeURIComponent(f.u.deviceId)}&key=${BENCH_DEVICE_KEY}&timestamp=${f.timeMs}&lat=${f.lat}&lon=${f.lon}` +
  `&speed=${(f.speed / (1852 / 3600)).toFixed(2)}&bearing=${f.heading}&accuracy=5&batt=80`

const ownTracksPayload = (f: Fix) =>
  JSON.stringify({ _type: 'location', tst: Math.floor(f.timeMs / 1000), lat: f.lat, lon: f.lon, acc: 5, vel: Math.round(f.speed * 3.6), cog: Math.round(f.heading), batt: 80, tid: 'bx' })

// ---- the raw COPY baseline ----

const HISTORY_COLS = 'unit_id, device_id, device_time, server_time, geom, speed_mps, heading_deg, accuracy_m, battery_pct, grid_code, source, verdict'
const LATEST_COLS = 'unit_id, device_id, device_time, server_time, geom, speed_mps, heading_deg, accuracy_m, battery_pct, grid_code, source'

/** COPY text format; geometry as hex EWKB, as pg_dump writes it. Built before the clock starts. */
function copyText(fixes: Fix[], grids: GridIndex): { history: string; latest: string } {
  const serverTime = new Date().toISOString()
  const line = (f: Fix) =>
    `${f.u.unitId}\t${f.u.deviceId}\t${new Date(f.timeMs).toISOString()}\t${serverTime}\t${ewkbHex(f.lon, f.lat)}\t${f.speed}\t${f.heading}\t5\t80\t${grids.lookup(f.lon, f.lat) ?? '\\N'}\tbulk`
  const newest = new Map<string, Fix>()
  const history: string[] = []
  for (const f of fixes) {
    history.push(`${line(f)}\taccepted\n`)
    newest.set(f.u.unitId, f)
  }
  return { history: history.join(''), latest: [...newest.values()].map((f) => `${line(f)}\n`).join('') }
}

function ewkbHex(lon: number, lat: number): string {
  const b = Buffer.alloc(25)
  b.writeUInt8(1, 0) // little endian
  b.writeUInt32LE(0x20000001, 1) // point, with SRID
  b.writeUInt32LE(4326, 5)
  b.writeDoubleLE(lon, 9)
  b.writeDoubleLE(lat, 17)
  return b.toString('hex')
}

async function copyPglite(open: OpenCity, clock: Clock, history: string, latest: string): Promise<{ ms: number }> {
  const h = new Blob([history])
  const l = new Blob([latest])
  clock.start()
  await open.pglite!.transaction(async (tx) => {
    await tx.query(`COPY position_history (${HISTORY_COLS}) FROM '/dev/blob'`, [], { blob: h })
    await tx.query(`COPY unit_position_latest (${LATEST_COLS}) FROM '/dev/blob'`, [], { blob: l })
  })
  clock.stop()
  return { ms: clock.ms }
}

async function copyPostgres(open: OpenCity, clock: Clock, history: string, latest: string): Promise<{ ms: number }> {
  const chunks = (s: string) => {
    const buf = Buffer.from(s)
    const out: Buffer[] = []
    for (let i = 0; i < buf.length; i += 1 << 20) out.push(buf.subarray(i, i + (1 << 20)))
    return out
  }
  const h = chunks(history)
  const l = chunks(latest)
  const client = new pg.Client({ connectionString: open.url })
  await client.connect()
  try {
    clock.start()
    await client.query('BEGIN')
    await pipe(Readable.from(h), client.query(copyFrom(`COPY position_history (${HISTORY_COLS}) FROM STDIN`)))
    await pipe(Readable.from(l), client.query(copyFrom(`COPY unit_position_latest (${LATEST_COLS}) FROM STDIN`)))
    await client.query('COMMIT')
    clock.stop()
    return { ms: clock.ms }
  } finally {
    await client.end()
  }
}

// ---- the measured paths ----

/** Starts the whole server on the open database, runs `fn` against it, stops it (flushing the writer). */
async function viaServer<T>(db: Db, env: Record<string, string>, fn: (running: Running) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-bench-data-'))
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SIMULATOR: 'off', LOG_LEVEL: 'silent', ...env })
  const running = await startServer(config, silent, { db })
  try {
    return await fn(running)
  } finally {
    running.http.closeAllConnections()
    await running.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

async function runLoad(clock: Clock, job: LoadJob): Promise<{ ms: number; problem?: string }> {
  const child = forkHelper(new URL('./lib/http-load.ts', import.meta.url))
  try {
    await nextMessage<{ ready: true }>(child, (m) => 'ready' in m)
    // Handed over before the clock starts: copying the bodies to the child is the harness's work, not the server's.
    child.send(job)
    await nextMessage<{ loaded: true }>(child, (m) => 'loaded' in m)
    clock.start(child.pid)
    const done = nextMessage<LoadResult>(child, (m) => 'elapsedMs' in m, 600_000)
    child.send({ kind: 'go' })
    const r = await done
    clock.stop()
    return { ms: r.elapsedMs, ...loadProblem(r) }
  } finally {
    await stopHelper(child)
  }
}

async function runMqtt(db: Db, clock: Clock, job: MqttJob): Promise<{ ms: number; problem?: string }> {
  const child = forkHelper(new URL('./lib/mqtt-load.ts', import.meta.url))
  try {
    await nextMessage<{ ready: true }>(child, (m) => 'ready' in m)
    child.send(job)
    const connected = await nextMessage<{ connected: number } | MqttResult>(child, (m) => 'connected' in m || 'publishedMs' in m, 300_000)
    if ('publishedMs' in connected) return { ms: NaN, problem: `publisher: ${connected.firstError}` }
    const published = nextMessage<MqttResult>(child, (m) => 'publishedMs' in m, 600_000)
    const expected = job.devices.reduce((n, d) => n + d.messages.length, 0)
    clock.start(child.pid)
    child.send({ kind: 'go' })
    // Acknowledged by the broker is not yet stored: wait until the history holds every message, or until it has
    // stopped growing for 10 s (then the rate is what was stored up to the last growth).
    let stored = 0
    let grewAt = performance.now()
    for (;;) {
      await new Promise((r) => setTimeout(r, 50))
      const n = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM position_history')).rows[0].n
      if (n > stored) {
        stored = n
        grewAt = performance.now()
      }
      if (stored >= expected || performance.now() - grewAt > 10_000) break
    }
    clock.stop(grewAt)
    const r = await published
    return { ms: clock.ms, ...(r.firstError ? { problem: `publisher: ${r.firstError}` } : {}) }
  } finally {
    await stopHelper(child)
  }
}

/** Wall time and CPU (this process, the load generator, PostgreSQL, the machine) over one timed span. */
class Clock {
  ms = NaN
  cpu: Record<string, number> = {}
  private t0 = 0
  private loadPid = 0
  private meter: CpuMeter
  /** `database`: on PostgreSQL, whose backends' CPU to count. */
  constructor(database: string | undefined) {
    this.meter = new CpuMeter({
      server: () => {
        const u = process.cpuUsage()
        return (u.user + u.system) / 1e6
      },
      load: () => (this.loadPid ? cpuSeconds(this.loadPid) : 0),
      ...(database ? { postgres: postgresCpuProbe(database) } : {}),
    })
  }
  start(loadPid = 0): void {
    this.loadPid = loadPid
    this.meter.begin()
    this.t0 = performance.now()
  }
  stop(at = performance.now()): void {
    this.ms = at - this.t0
    this.cpu = this.meter.end()
  }
}

const loadProblem = (r: LoadResult) => {
  const bad = Object.entries(r.statuses).filter(([code]) => code !== '200')
  return bad.length || r.firstError ? { problem: `responses ${JSON.stringify(r.statuses)}${r.firstError ? `, first error: ${r.firstError}` : ''}` } : {}
}
