import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../db/db.ts'
import { openPostgres } from '../db/pg-db.ts'
import { migrate } from '../db/migrate.ts'
import { canRunPrivatePostgres, startPrivatePostgres } from '../testing/private-postgres.ts'
import { insertTrackingFixture } from '../testing/tracking-fixture.ts'
import { listenRouters } from '../testing/listen.ts'
import type { PositionFix } from '../../geo/ingest/position-fix.ts'
import { loadDeviceRegistry } from './device-registry.ts'
import { PositionWriter } from './position-writer.ts'
import { PositionPipeline } from './position-pipeline.ts'
import { ingestRouter } from './ingest-routes.ts'
import { DeviceKeys } from '../auth/device-keys.ts'
import { withPrincipal } from '../auth/principal.ts'
import { testPrincipal } from '../testing/test-users.ts'

const log = pino({ level: 'silent' })
const t0 = Date.now() - 3_600_000
const fix = (i: number): PositionFix => ({
  source: 'bulk', deviceId: 'unit-0001', deviceTime: new Date(t0 + i * 10_000), lon: -56.2 + i * 0.0002, lat: -34.9,
  speedMps: 8, headingDeg: 90, accuracyM: 5, altitudeM: null, batteryPct: null,
})

describe.runIf(canRunPrivatePostgres())('a real PostgreSQL server stopped and started under load', () => {
  let pg: Awaited<ReturnType<typeof startPrivatePostgres>>
  let db: Db
  let pipeline: PositionPipeline
  let writer: PositionWriter
  let base = ''
  let closeHttp: () => Promise<void>

  beforeAll(async () => {
    pg = await startPrivatePostgres()
    db = await openPostgres(pg.url, 4)
    await db.exec('CREATE EXTENSION postgis')
    await migrate(db)
    const grids = await insertTrackingFixture(db)
    writer = new PositionWriter(db, log, { maxQueued: 200, maxRetryMs: 300 })
    pipeline = new PositionPipeline(await loadDeviceRegistry(db), grids, writer)
    const http = await listenRouters(withPrincipal(testPrincipal('gateway')), ingestRouter(pipeline, new DeviceKeys(db)))
    base = http.url
    closeHttp = http.close
  }, 120_000)

  afterAll(async () => {
    await closeHttp?.()
    await writer?.close()
    await db?.close()
    pg?.destroy()
  })

  it('holds what it accepted while the database is down, answers 503 when full, and loses nothing', async () => {
    expect(await pipeline.submit([fix(0)])).toEqual({ received: 1, accepted: 1 })
    pg.stop()

    // Accepted but not acknowledged: the callers wait for the commit.
    const waiting = Array.from({ length: 10 }, (_, i) => pipeline.submit([fix(1 + i)]))
    let settled = false
    void Promise.allSettled(waiting).then(() => (settled = true))
    await new Promise((r) => setTimeout(r, 1500))
    expect(settled).toBe(false)

    // The bounded buffer fills; the next sender is told to come back later, not dropped silently.
    const filler = pipeline.submit(Array.from({ length: 190 }, (_, i) => ({ ...fix(100 + i), deviceId: 'unit-0007' })))
    const refused = await fetch(`${base}/api/v1/positions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ deviceId: 'unit-0001', time: new Date(t0 + 999_000).toISOString(), lat: -34.9, lon: -56.19 }]),
    })
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('5')

    pg.start()
    const results = await Promise.all([...waiting, filler])
    expect(results.reduce((n, r) => n + r.received, 0)).toBe(200)
    const stored = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM position_history')
    expect(stored.rows[0]!.n).toBe(201)
    const latest = await db.query<{ t: Date }>(`SELECT device_time AS t FROM unit_position_latest WHERE unit_id = 'unit-0001'`)
    expect(new Date(latest.rows[0]!.t).getTime()).toBe(t0 + 10 * 10_000)
  }, 60_000)
})
