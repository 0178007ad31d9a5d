import { createServer, type Server } from 'node:http'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { Config } from './config/config.ts'
import type { Db } from './db/db.ts'
import { openDb } from './db/open-db.ts'
import { migrate } from './db/migrate.ts'
import type { Logger } from './logger.ts'
import { createApp } from './app.ts'
import type { ReadinessProbe } from './http/health-routes.ts'
import { loadDeviceRegistry } from './ingest/device-registry.ts'
import { loadGridIndex } from './ingest/load-grid-index.ts'
import { coalescePositions } from './ingest/coalesced-positions.ts'
import { PositionWriter } from './ingest/position-writer.ts'
import { PositionPipeline } from './ingest/position-pipeline.ts'
import { createLiveHub, LIVE_FRAME_MS, LIVE_NAMESPACE, type LiveHub } from './live/live-hub.ts'
import { createIncidentIntake } from './incidents/incident-intake.ts'
import { incidentSnapshot } from './incidents/incident-store.ts'
import { FeedHealth } from './ingest/feed-health.ts'
import { AlertIngest } from './alerts/alert-store.ts'
import { cameraDirectory } from './alerts/camera-directory.ts'
import { SnapshotFiles } from './alerts/snapshot-files.ts'
import { openAlertsSnapshot } from './alerts/alert-queries.ts'
import { startMqttIngest, type MqttIngest } from './mqtt/mqtt-ingest.ts'
import { connectRedisAdapter } from './live/redis-adapter.ts'
import { startCameraTestStreams } from './video/test-streams.ts'
import { startAccessControl } from './auth/access-control.ts'
import { RoadRouterSource } from './dispatch/road-router-source.ts'
import { CaseStore } from './cases/case-store.ts'
import { caseSnapshot } from './cases/case-queries.ts'
import { SupervisionScheduler } from './cases/supervision-scheduler.ts'

export interface Running {
  url: string
  db: Db
  http: Server
  pipeline: PositionPipeline
  hub: LiveHub
  mqtt: MqttIngest | null
  /** Stop accepting, let in-flight requests finish, then close the database. */
  close(): Promise<void>
}

export interface StartHooks {
  /** An open database to use instead of the configured one (tests hand in a fresh copy of a template). */
  db?: Db
  /** Runs after migrations and before the server listens (e.g. seeding the demo city). */
  prepare?(db: Db): Promise<void>
}

export async function startServer(config: Config, log: Logger, hooks: StartHooks = {}): Promise<Running> {
  const db = hooks.db ?? await withHeartbeat(
    log,
    config.DATABASE_URL ? 'connecting to PostgreSQL' : 'opening the embedded PostGIS database (first start ~20 s)',
    () => openDb({
      databaseUrl: config.DATABASE_URL, pgliteDir: config.pgliteDir,
      onCrash: (err) => log.fatal({ err: err.message }, 'embedded database worker died; every query now fails'),
    }),
  )
  const ran = await migrate(db, (m) => log.info(`applying ${m}`))
  if (ran.length) log.info({ migrations: ran }, 'database migrated')
  await hooks.prepare?.(db)

  const city = await db.query<{ code: string }>(`SELECT code FROM admin_area WHERE level = 'city' ORDER BY code LIMIT 1`)
  const cityCode = city.rows[0]?.code ?? ''
  const writer = new PositionWriter(db, log)
  const grids = await loadGridIndex(db)
  const pipeline = new PositionPipeline(await loadDeviceRegistry(db), grids, writer)
  await pipeline.restore(db)
  const incidents = createIncidentIntake(db, grids, log)
  const feeds = new FeedHealth()
  const snapshots = new SnapshotFiles(join(config.dataDir, 'snapshots'))
  const access = await startAccessControl(db, config, log, snapshots)
  // The hub needs the HTTP server and the app needs the alert intake, so alerts publish through a late binding.
  let hub: LiveHub | undefined
  const alerts = new AlertIngest(db, cameraDirectory(db), grids, {
    snapshots,
    publish: (gridCode, event) => hub?.publishEvent('alerts', gridCode, event),
  })

  const video = await startCameraTestStreams(db, { dir: join(config.dataDir, 'video'), enabled: config.VIDEO_TEST_STREAMS === 'on', log })
  // The road graph in memory for routing and recommendations; an import from another process is picked up.
  const roads = new RoadRouterSource(db, log)
  await withHeartbeat(log, 'loading the road graph', () => roads.refresh())
  roads.watch()
  const cases = new CaseStore({ db, roads: () => roads.current(), publish: (layer, gridCode, event) => hub?.publishEvent(layer, gridCode, event) })
  const probes = new Map<string, ReadinessProbe>()
  const app = createApp({
    db, config, log, pipeline, incidents, alerts, snapshots, feeds, probes, cityCode,
    publishAlert: (gridCode, event) => hub?.publishEvent('alerts', gridCode, event),
    localStreams: () => video.cameras,
    security: access.security,
    roads: () => roads.current(),
    cases,
  })
  const http = createServer(app)
  // Node closes an idle keep-alive connection after 5 s. A gateway posting every few seconds, or a reverse proxy
  // reusing its upstream connections, then sends a request just as the socket closes and gets a reset. Proxies
  // and load balancers keep idle connections about 60 s, so this side waits longer than they do.
  http.keepAliveTimeout = 65_000
  http.headersTimeout = 66_000
  const redis = config.REDIS_URL ? await connectRedisAdapter(config.REDIS_URL, log, config.REDIS_STREAM) : undefined
  hub = createLiveHub(http, db, log, { cityCode, frameMs: LIVE_FRAME_MS, adapter: redis?.adapter })
  access.protectLive(hub.io.of(LIVE_NAMESPACE), cityCode)
  const live = hub
  writer.onCommitted((fixes) => live.publishPositions(fixes))
  incidents.onCreated((gridCode, event) => live.publishEvent('incidents', gridCode, event))
  live.provideSnapshot('incidents', incidentSnapshot(db, cityCode))
  live.provideSnapshot('alerts', openAlertsSnapshot(db))
  live.provideSnapshot('cases', caseSnapshot(db, () => cases.now()))
  const supervision = new SupervisionScheduler(cases, { log })
  supervision.start(config.SUPERVISION_INTERVAL_S * 1000)
  // Without MQTT a command centre still runs (HTTP ingest, dispatch): a broker that cannot start is reported
  // loudly, in the log and on /readyz, rather than keeping the whole server down.
  const mqtt = await startMqttIngest({
    url: config.MQTT_URL,
    port: config.MQTT_PORT,
    host: config.HOST,
    clientId: config.MQTT_CLIENT_ID,
    topicPrefix: config.MQTT_TOPIC_PREFIX,
    frigate: { baseUrl: config.FRIGATE_URL, topic: config.FRIGATE_TOPIC_PREFIX, events: config.FRIGATE_EVENTS },
    // A busy connection hands over hundreds of one-fix messages per read: they share a submission.
    positions: coalescePositions(pipeline),
    alerts,
    feeds,
    log,
    deviceKeys: access.security.deviceKeys,
    audit: access.security.audit,
    frigateCredential: config.MQTT_FRIGATE_PASSWORD ? { username: config.MQTT_FRIGATE_USER, password: config.MQTT_FRIGATE_PASSWORD } : undefined,
  }).catch((err: Error) => {
    log.error({ err: err.message }, 'MQTT ingest not started')
    probes.set('mqtt', async () => ({ ok: false, detail: err.message }))
    return null
  })
  if (mqtt) probes.set('mqtt', async () => ({ ok: mqtt.status().connected, detail: mqtt.status() }))
  if (redis) probes.set('redis', async () => ({ ok: (await redis.ping()) === 'PONG' }))
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(config.PORT, config.HOST, resolve)
  })
  const port = (http.address() as AddressInfo).port
  const url = `http://${config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST}:${port}`

  let closing: Promise<void> | undefined
  return {
    url,
    db,
    http,
    pipeline,
    hub: live,
    mqtt,
    // Stop taking requests, let those in flight finish (their fixes commit), close the sockets, flush, close.
    close: () =>
      (closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => http.close(() => resolve()))
        http.closeIdleConnections()
        await live.close()
        await redis?.close()
        await stopped
        await video.close()
        roads.stop()
        // Unacknowledged MQTT messages stay with the broker for the next session; then flush what was taken.
        await mqtt?.close()
        await supervision.stop()
        await writer.close()
        await access.close()
        // A database handed in by the caller stays the caller's to close.
        if (!hooks.db) await db.close()
      })()),
  }
}

/** A slow step that prints a line every few seconds, so a first start never looks hung. */
export async function withHeartbeat<T>(log: Logger, what: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now()
  log.info(`${what}…`)
  const timer = setInterval(() => log.info(`${what}… ${Math.round((Date.now() - t0) / 1000)} s`), 5000)
  try {
    const result = await fn()
    log.info(`${what}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    return result
  } finally {
    clearInterval(timer)
  }
}
