import { readFileSync } from 'node:fs'
import pino from 'pino'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeBackends } from '../testing/backends.ts'
import { insertTrackingFixture } from '../testing/tracking-fixture.ts'
import { listenRouters } from '../testing/listen.ts'
import { loadDeviceRegistry } from './device-registry.ts'
import { PositionWriter } from './position-writer.ts'
import { PositionPipeline } from './position-pipeline.ts'
import { ingestRouter } from './ingest-routes.ts'

const log = pino({ level: 'silent' })
const fixture = (name: string) => readFileSync(new URL(`../../geo/ingest/fixtures/${name}`, import.meta.url), 'utf8').trim()
// The samples' clocks read 2025-11-23 and 2026-11-23; judge them from a day after the later one.
const now = () => new Date('2026-11-24T00:00:00Z')

describeBackends('HTTP position ingest', ({ db }) => {
  let base = ''
  let stop: () => Promise<void>
  const history = async () => (await db().query<{ n: number }>('SELECT count(*)::int AS n FROM position_history')).rows[0]!.n

  beforeAll(async () => {
    const grids = await insertTrackingFixture(db())
    const pipeline = new PositionPipeline(await loadDeviceRegistry(db()), grids, new PositionWriter(db(), log), undefined, now)
    const server = await listenRouters(ingestRouter(pipeline))
    base = server.url
    stop = server.close
  })
  afterAll(() => stop?.())

  it('accepts the OsmAnd samples by GET and by form POST, for known devices', async () => {
    const [first, second] = fixture('osmand-get.txt').split('\n')
    expect((await fetch(`${base}/ingest/osmand${first.slice(1)}`)).status).toBe(200)
    expect((await fetch(`${base}/ingest/osmand${second.slice(1)}`)).status).toBe(200)
    const post = await fetch(`${base}/ingest/osmand`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: fixture('osmand-post.txt').replace('unit-0004', 'unit-0001'),
    })
    expect(post.status).toBe(200)
    expect(await history()).toBe(3)
  })

  it('accepts the OwnTracks sample in HTTP mode and answers with an empty message list', async () => {
    const res = await fetch(`${base}/ingest/owntracks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: fixture('owntracks-location.json') })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual([])
    expect(await history()).toBe(4)
  })

  it('answers bad input with 4xx JSON naming the field, and writes nothing', async () => {
    const before = await history()
    const cases: Array<[string, RequestInit | undefined, number, string]> = [
      ['/ingest/osmand?id=unit-0001&lat=95&lon=-56.1&timestamp=1795417200', undefined, 400, 'lat'],
      ['/ingest/osmand?id=unit-0001&lat=0&lon=0&timestamp=1795417200', undefined, 400, 'lat'],
      ['/ingest/osmand?id=nobody&lat=-34.9&lon=-56.1&timestamp=1795417200', undefined, 400, 'deviceId'],
      ['/ingest/osmand?id=unit-0001&lat=-34.9&lon=-56.1&timestamp=4102444800', undefined, 400, 'deviceTime'],
      ['/ingest/osmand?id=unit-0001&lat=-34.9&lon=-56.1', undefined, 400, 'timestamp'],
      ['/api/v1/positions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[{"deviceId":' }, 400, ''],
      ['/api/v1/positions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([
        { deviceId: 'unit-0001', time: '2026-11-23T10:00:00Z', lat: -34.9, lon: -56.2 },
        { deviceId: 'unit-0001', time: '2026-11-23T10:00:05Z', lat: -34.9, lon: 'x' },
      ]) }, 400, '[1].lon'],
      ['/ingest/owntracks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ _type: 'location', lat: -34.9, lon: -56.1, tst: 1795417200 }) }, 400, 'topic'],
    ]
    for (const [path, init, status, field] of cases) {
      const res = await fetch(base + path, init)
      expect(res.status, path).toBe(status)
      const body = (await res.json()) as { error: { code: string; message: string; details?: { path: string }[] } }
      expect(body.error.message.length, path).toBeGreaterThan(0)
      if (field) expect(body.error.details?.map((d) => d.path), path).toContain(field)
    }
    expect(await history()).toBe(before)
  })

  it('refuses an oversize bulk body with 413 and a JSON error', async () => {
    const res = await fetch(`${base}/api/v1/positions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `[${'0,'.repeat(3_000_000)}0]` })
    expect(res.status).toBe(413)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large')
  })

  it('stores a bulk batch all at once and counts redeliveries apart', async () => {
    const batch = Array.from({ length: 50 }, (_, i) => ({ deviceId: 'unit-0007', time: 1795417200 + i * 10, lat: -34.9, lon: -56.2 + i * 0.0003 }))
    const post = () => fetch(`${base}/api/v1/positions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch) })
    expect(await (await post()).json()).toEqual({ received: 50, accepted: 50 })
    expect(await (await post()).json()).toEqual({ received: 0, accepted: 0 })
  })
})
