import type { Queryable } from '../../server/db/db.ts'
import type { Logger } from '../../server/logger.ts'
import { createRng } from '../../geo/random.ts'
import { MinHeap } from '../../geo/routing/min-heap.ts'
import { CameraAlertGenerator, type PlannedMessage } from './camera-alerts.ts'
import { CitizenReportGenerator } from './citizen-reports.ts'
import { DEMO_UTC_OFFSET_MINUTES, shiftHours } from './duty.ts'
import { HttpClient, networkReason, type HttpAnswer } from './http-client.ts'
import { connectMqtt, type MqttLink } from './mqtt-link.ts'
import { redactUrl } from '../../server/mqtt/mqtt-connection.ts'
import { Gate, Outbox, type Outcome, type OutboxStats } from './outbox.ts'
import {
  FRIGATE_REVIEWS_TOPIC,
  OPEN311_PATH,
  open311Form,
  osmandPath,
  ownTracksHttpHeaders,
  ownTracksLocation,
  ownTracksTopic,
  type CitizenReport,
} from './protocols.ts'
import { RoadNetwork } from './road-network.ts'
import { DEFAULT_REPORT_INTERVALS, type ReportIntervals } from './unit-profiles.ts'
import { UnitModel, type SimFix } from './unit-model.ts'
import { loadWorld } from './world.ts'
import { deviceBasicAuth, issueDeviceKeys } from '../../server/auth/device-keys.ts'

/**
 * The live simulator: patrol units driving the road graph and reporting like real trackers, cameras raising
 * Frigate reviews, citizens filing Open311 reports, all through the server's public ingest protocols only.
 * The behaviour is pure (UnitModel, CameraAlertGenerator, CitizenReportGenerator); this file only schedules
 * it on a clock and hands the messages to the senders.
 */

export interface SimulatorOptions {
  db: Queryable
  /** e.g. http://localhost:8080 */
  serverUrl: string
  /** e.g. mqtt://localhost:1883; without it OwnTracks devices use HTTP and no camera reviews are sent. */
  mqttUrl?: string
  /** How many units to simulate (the first by id among those with a tracker in the database). */
  units: number
  seed?: string
  /** Simulated seconds per real second (default 1). */
  speedUp?: number
  /**
   * Simulated time at start (default now). The server refuses fixes more than 5 minutes ahead of its clock,
   * so a sped-up run should start in the past (e.g. an hour ago at speedUp 60 runs for an hour).
   */
  startAt?: Date
  log: Logger
  /** Local time of the city, for shifts and daily rhythms (default: Montevideo, UTC-3). */
  utcOffsetMinutes?: number
  reportIntervals?: Partial<ReportIntervals>
  /** Default: the rate in the last 60 days of history (about 40 a day when there is none). */
  citizenReportsPerDay?: number
  /** Multiplies every camera's review rate (default 1; 0 turns reviews off). */
  cameraReviewRate?: number
  /**
   * HTTP sockets to the server, and requests in flight per protocol (default 512). Throughput is at most this
   * over the server's answer time: 512 sockets at 100 ms carry 5,000 fixes/s.
   */
  maxInFlight?: number
}

export interface ChannelStats extends OutboxStats {
  devices: number
}

export interface SimulatorStats {
  simTime: string
  speedUp: number
  units: number
  onDuty: number
  moving: number
  /** Fixes produced (a dropout or an off-duty tracker produces none). */
  fixes: number
  /** Fixes not sent because the simulator fell too far behind its clock. */
  skipped: number
  positions: { osmand: ChannelStats; owntracksHttp: ChannelStats; owntracksMqtt: ChannelStats }
  citizenReports: OutboxStats
  cameraReviews: OutboxStats
}

export interface RunningSimulator {
  stop(): Promise<void>
  stats(): SimulatorStats
}

const DEFAULT_SEED = 'gridwatch-sim'
const TICK_MS = 100
/** Units handled per tick before yielding to the event loop (so sockets get served under load). */
const TICK_BUDGET = 5000
const FALLBACK_REPORTS_PER_DAY = 40
const OPEN311_PARALLEL = 8
/** The server's limit for device clocks ahead of its own, less a margin. */
const FUTURE_WARN_MS = 4 * 60_000

export async function startSimulator(opts: SimulatorOptions): Promise<RunningSimulator> {
  const { log } = opts
  const seed = opts.seed ?? DEFAULT_SEED
  const speedUp = opts.speedUp ?? 1
  if (!(speedUp > 0)) throw new RangeError(`speedUp must be positive, got ${speedUp}`)
  const utcOffsetMinutes = opts.utcOffsetMinutes ?? DEMO_UTC_OFFSET_MINUTES
  const intervals = { ...DEFAULT_REPORT_INTERVALS, ...opts.reportIntervals }

  const t0 = Date.now()
  const world = await loadWorld(opts.db, Math.max(0, Math.floor(opts.units)))
  const net = new RoadNetwork(world.nodes, world.edges)
  // Like an admin provisioning phones: each simulated device gets a fresh key (stored hashed) and sends it.
  const deviceKeys = await issueDeviceKeys(opts.db, world.units.map((u) => u.deviceId))
  const deviceAuth = (deviceId: string) => deviceBasicAuth(deviceId, deviceKeys.get(deviceId) ?? '')
  if (world.units.length < opts.units) {
    log.info({ requested: opts.units, inDatabase: world.unitsWithDevice }, `simulator: simulating the ${world.units.length} units the database has`)
  }
  const startMs = Math.floor((opts.startAt?.getTime() ?? Date.now()) / 1000) * 1000
  const wallStart = performance.now()
  const clock = () => startMs + (performance.now() - wallStart) * speedUp

  const models: UnitModel[] = []
  if (world.units.length > 0 && net.reachableNodes('drive').length > 0) {
    for (const u of world.units) {
      models.push(
        new UnitModel(
          net,
          {
            unitId: u.unitId, deviceId: u.deviceId, type: u.type, shift: shiftHours(u.shift),
            start: { lon: u.startLon, lat: u.startLat }, base: { lon: u.baseLon, lat: u.baseLat },
          },
          { seed, startMs, utcOffsetMinutes, reportIntervals: intervals },
        ),
      )
    }
  } else if (world.units.length > 0) {
    log.warn('simulator: no road graph in the database; units are not simulated')
  }

  // Senders.
  const maxInFlight = opts.maxInFlight ?? 512
  const http = new HttpClient(opts.serverUrl, { maxSockets: maxInFlight })
  const serverGate = new Gate(opts.serverUrl, log)
  const mqtt: MqttLink | null = opts.mqttUrl ? await connectMqtt(opts.mqttUrl, { clientId: `gridwatch-sim-${seed}-${process.pid}`, log }) : null
  const brokerGate = new Gate(opts.mqttUrl ? redactUrl(opts.mqttUrl) : 'mqtt', log)

  const httpOutcome = async (call: () => Promise<HttpAnswer>, retryNetwork: (code: string) => boolean = () => true): Promise<Outcome> => {
    let answer: HttpAnswer
    try {
      answer = await call()
    } catch (err) {
      const code = networkReason(err)
      return retryNetwork(code) ? { kind: 'retry', reason: code } : { kind: 'drop', reason: `network: ${code}`, unreachable: true }
    }
    if (answer.status >= 200 && answer.status < 300) return { kind: 'ok' }
    if (answer.status === 503 || answer.status === 429) {
      return { kind: 'retry', reason: `HTTP ${answer.status}`, afterMs: (answer.retryAfterS ?? 5) * 1000 }
    }
    if (answer.status >= 500) return { kind: 'retry', reason: `HTTP ${answer.status}` }
    return { kind: 'drop', reason: `HTTP ${answer.status}`, detail: answer.body }
  }
  const outboxOptions = { log, maxInFlight }
  const osmand = new Outbox<SimFix>({
    ...outboxOptions, name: 'osmand', gate: serverGate,
    deliver: (fix) => httpOutcome(() => http.request('GET', osmandPath(fix), deviceAuth(fix.deviceId))),
  })
  const owntracksHttp = new Outbox<SimFix>({
    ...outboxOptions, name: 'owntracks-http', gate: serverGate,
    deliver: (fix) =>
      httpOutcome(() => http.request('POST', '/ingest/owntracks', { ...ownTracksHttpHeaders(fix.deviceId), ...deviceAuth(fix.deviceId) }, JSON.stringify(ownTracksLocation(fix)))),
  })
  const mqttOutcome = async (topic: string, payload: string): Promise<Outcome> => {
    if (!mqtt) return { kind: 'drop', reason: 'no MQTT client' }
    try {
      await mqtt.publish(topic, payload, 1)
      return { kind: 'ok' }
    } catch (err) {
      return { kind: 'retry', reason: `mqtt: ${(err as Error).message}` }
    }
  }
  const owntracksMqtt = new Outbox<SimFix>({
    ...outboxOptions, name: 'owntracks-mqtt', gate: brokerGate,
    deliver: (fix) => mqttOutcome(ownTracksTopic(fix.deviceId), JSON.stringify(ownTracksLocation(fix))),
  })
  // Open311 has no idempotency key: a report is sent again only when it surely never arrived.
  const open311 = new Outbox<CitizenReport>({
    log, name: 'open311', gate: serverGate, maxInFlight: OPEN311_PARALLEL, bufferPerKey: 10,
    deliver: (report) =>
      httpOutcome(
        () => http.request('POST', OPEN311_PATH, { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }, open311Form(report)),
        (code) => code === 'ECONNREFUSED',
      ),
  })
  const frigate = new Outbox<PlannedMessage>({
    log, name: 'frigate', gate: brokerGate, maxInFlight: 64, bufferPerKey: 20,
    deliver: (p) => mqttOutcome(FRIGATE_REVIEWS_TOPIC, JSON.stringify(p.message)),
  })

  // Each unit reports over its tracker's protocol: vehicles OsmAnd, phones OwnTracks (MQTT when there is a broker).
  const channelOf = models.map((m) => (m.profile.protocol === 'osmand' ? osmand : mqtt ? owntracksMqtt : owntracksHttp))
  const devices = (box: Outbox<SimFix>) => channelOf.filter((c) => c === box).length
  const deviceCounts = { osmand: devices(osmand), owntracksHttp: devices(owntracksHttp), owntracksMqtt: devices(owntracksMqtt) }

  // First fixes spread over one interval, on whole seconds.
  const due = new MinHeap(Math.max(16, models.length))
  const schedRng = createRng(seed, 'report-phase')
  models.forEach((m, i) => due.push(i, startMs + Math.floor(schedRng() * m.intervalS) * 1000))

  const cameras = opts.mqttUrl && mqtt && (opts.cameraReviewRate ?? 1) > 0
    ? new CameraAlertGenerator(world.cameras, { seed, startMs, utcOffsetMinutes, rateFactor: opts.cameraReviewRate })
    : null
  const cameraKey = new Map(world.cameras.map((c, i) => [c.frigateName, i]))
  const reportsPerDay = opts.citizenReportsPerDay ?? world.historyCitizenReportsPerDay ?? FALLBACK_REPORTS_PER_DAY
  const citizens = new CitizenReportGenerator({
    seed, startMs, utcOffsetMinutes, reportsPerDay, categories: world.categories, places: world.places,
    streetNear: (lon, lat) => net.streetNear(lon, lat),
  })

  let fixes = 0
  let skipped = 0
  let citizenSerial = 0
  let stopped = false
  let timer: NodeJS.Timeout | null = null
  let warnedFuture = false
  const staleMs = Math.max(30_000, 3 * TICK_MS * speedUp)

  let failures = 0
  const failed = (what: string, err: unknown) => {
    // A bug in the model must not take the server down with it (the simulator runs inside `npm start`).
    if (failures++ < 5) log.error({ err, what }, 'simulator: internal error; carrying on')
  }

  const tick = () => {
    timer = null
    if (stopped) return
    const now = clock()
    if (!warnedFuture && now - Date.now() > FUTURE_WARN_MS) {
      warnedFuture = true
      log.warn('simulator: simulated time is more than 4 minutes ahead of the clock; the server will refuse such fixes (start the run in the past with startAt)')
    }
    let budget = TICK_BUDGET
    while (budget > 0 && due.peekKey() <= now) {
      budget--
      const at = due.peekKey()
      const i = due.pop()
      const model = models[i]
      let next = at + 60_000
      try {
        const fix = model.report(at)
        if (fix) {
          fixes++
          if (now - at > staleMs) skipped++
          else channelOf[i].enqueue(i, fix)
        }
        next = model.nextReportAfter(at)
      } catch (err) {
        failed(`unit ${model.spec.unitId}`, err)
      }
      // Fallen behind (a blocked event loop, a sleeping laptop): pick up at the present, on the unit's rhythm.
      if (next < now - staleMs) next += Math.ceil((now - next) / (model.intervalS * 1000)) * model.intervalS * 1000
      due.push(i, next)
    }
    try {
      if (cameras) for (const p of cameras.take(now)) frigate.enqueue(cameraKey.get(p.message.after.camera) ?? 0, p)
      // Citizens are independent of one another: their reports go in parallel, not one after the other.
    for (const r of citizens.take(now)) open311.enqueue(citizenSerial++ % OPEN311_PARALLEL, r.report)
    } catch (err) {
      failed('cameras and citizen reports', err)
    }
    timer = setTimeout(tick, budget === 0 ? 0 : TICK_MS)
  }

  log.info(
    {
      units: models.length, ...deviceCounts, cameras: cameras ? world.cameras.length : 0,
      citizenReportsPerDay: Math.round(reportsPerDay * 10) / 10, speedUp, simStart: new Date(startMs).toISOString(),
      roadNodes: world.nodes.length, readyInMs: Date.now() - t0,
    },
    'simulator started',
  )
  if (opts.mqttUrl && !mqtt) log.info('simulator: OwnTracks devices report over HTTP instead')
  if (!opts.mqttUrl) log.info('simulator: no MQTT broker given; OwnTracks devices report over HTTP and cameras are quiet')
  tick()

  return {
    async stop() {
      if (stopped) return
      stopped = true
      if (timer) clearTimeout(timer)
      await Promise.all([osmand, owntracksHttp, owntracksMqtt, open311, frigate].map((o) => o.close()))
      serverGate.close()
      brokerGate.close()
      http.close()
      await mqtt?.close()
      log.info({ fixes, skipped }, 'simulator stopped')
    },
    stats() {
      let onDuty = 0
      let moving = 0
      for (const m of models) {
        const s = m.state
        if (s !== 'off') onDuty++
        if (s === 'moving') moving++
      }
      return {
        simTime: new Date(clock()).toISOString(),
        speedUp,
        units: models.length,
        onDuty,
        moving,
        fixes,
        skipped,
        positions: {
          osmand: { ...osmand.stats, devices: deviceCounts.osmand },
          owntracksHttp: { ...owntracksHttp.stats, devices: deviceCounts.owntracksHttp },
          owntracksMqtt: { ...owntracksMqtt.stats, devices: deviceCounts.owntracksMqtt },
        },
        citizenReports: { ...open311.stats },
        cameraReviews: { ...frigate.stats },
      }
    },
  }
}
