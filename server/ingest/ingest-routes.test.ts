import { readFileSync } from 'node:fs'
import pino from 'pino'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeBackends } from '../testing/backends.ts'
import { fixtureDeviceKey, insertTrackingFixture } from '../testing/tracking-fixture.ts'
import { listenRouters } from '../testing/listen.ts'
import { loadDeviceRegistry } from './device-registry.ts'
import { PositionWriter } from './position-writer.ts'
import { PositionPipeline } from './position-pipeline.ts'
import { ingestRouter } from './ingest-routes.ts'
import { DeviceKeys } from '../auth/device-keys.ts'
import { withPrincipal } from '../auth/principal.ts'
import { testPrincipal } from '../testing/test-users.ts'

const log = pino({ level: 'silent' })
const fixture = (name: string) => readFileSync(new URL(`../../geo/ingest/fixtures/${name}`, import.meta.url), 'utf8').trim()
// The samples' clocks read 2025-11-23 and 2026-11-23; judge them from a day after the later one.
const now = () => new Date('2026-11-24T00:00:00Z')
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
/** The sample query string with its device's key appended, as set up in Traccar Client's server URL. */
const withKey = (query: string) => `${query}&key=${fixtureDeviceKey(new URLSearchParams(query.slice(1)).get('id')!)}`

describeBackends('HTTP position ingest', ({ db }) => {
  let base = ''
  let stop: () => Promise<void>
  const history = async () => (await db().query<{ n: number }>('SELECT count(*)::int AS n FROM position_history')).rows[0]!.n

  beforeAll(async () => {
    const grids = await insertTrackingFixture(db())
    const pipeline = new PositionPipeline(await loadDeviceRegistry(db()), grids, new PositionWriter(db(), log), undefined, now)
    const server = await listenRouters(withPrincipal(testPrincipal('gateway')), ingestRouter(pipeline, new DeviceKeys(db())))
    base = server.url
    stop = server.close
  })
  afterAll(() => stop?.())

  it('accepts the OsmAnd samples by GET and by form POST, for known devices', async () => {
    const [first, second] = fixture('osmand-get.txt').split('\n')
    expect((await fetch(`${base}/ingest/osmand${withKey(first.slice(1))}`)).status).toBe(200)
    expect((await fetch(`${base}/ingest/osmand${withKey(second.slice(1))}`)).status).toBe(200)
    const post = await fetch(`${base}/ingest/osmand`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('unit-0001', fixtureDeviceKey('unit-0001')) },
      body: fixture('osmand-post.txt').replace('unit-0004', 'unit-0001'),
    })
    expect(post.status).toBe(200)
    expect(await history()).toBe(3)
  })

  it('accepts the OwnTracks sample in HTTP mode and answers with an empty message list', async () => {
    const sample = fixture('owntracks-location.json')
    const device = (JSON.parse(sample) as { topic: string }).topic.split('/')[2]
    const res = await fetch(`${base}/ingest/owntracks`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: basic('phone-user', fixtureDeviceKey(device)) }, body: sample,
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual([])
    expect(await history()).toBe(4)
  })

  it('refuses a missing, wrong or another device\'s key with 401 and writes nothing; a replayed fix is stored once', async () => {
    const before = await history()
    const q = '?id=unit-0001&lat=-34.9&lon=-56.2&timestamp=1795417300'
    const refused: Array<[string, RequestInit | undefined]> = [
      [`/ingest/osmand${q}`, undefined],
      [`/ingest/osmand${q}&key=wrong`, undefined],
      [`/ingest/osmand${q}&key=${fixtureDeviceKey('unit-0007')}`, undefined],
      [`/ingest/osmand${q}`, { headers: { authorization: basic('unit-0007', fixtureDeviceKey('unit-0007')) } }],
      ['/ingest/osmand?id=nobody&lat=-34.9&lon=-56.1&timestamp=1795417200&key=key-nobody', undefined],
      ['/ingest/owntracks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: fixture('owntracks-location.json') }],
      ['/ingest/owntracks', { method: 'POST', headers: { 'content-type': 'application/json', authorization: basic('u', 'wrong') }, body: fixture('owntracks-location.json') }],
    ]
    for (const [path, init] of refused) {
      const res = await fetch(base + path, init)
      expect(res.status, path).toBe(401)
      expect(((await res.json()) as { error: { code: string } }).error.code, path).toBe('invalid_device_key')
    }
    expect(await history()).toBe(before)
    const good = `${base}/ingest/osmand${q}&key=${fixtureDeviceKey('unit-0001')}`
    expect((await fetch(good)).status).toBe(200)
    expect((await fetch(good)).status).toBe(200)
    expect(await history()).toBe(before + 1)
  })

  it('answers bad input with 4xx JSON naming the field, and writes nothing', async () => {
    const before = await history()
    const cases: Array<[string, RequestInit | undefined, number, string]> = [
      ['/ingest/osmand?id=unit-0001&lat=95&lon=-56.1&timestamp=1795417200&key=key-unit-0001', undefined, 400, 'lat'],
      ['/ingest/osmand?id=unit-0001&lat=0&lon=0&timestamp=1795417200&key=key-unit-0001', undefined, 400, 'lat'],
      ['/ingest/osmand?id=unit-0001&lat=-34.9&lon=-56.1&timestamp=4102444800&key=key-unit-0001', undefined, 400, 'deviceTime'],
      ['/ingest/osmand?id=unit-0001&lat=-34.9&lon=-56.1&key=key-unit-0001', undefined, 400, 'timestamp'],
      ['/api/v1/positions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[{"deviceId":' }, 400, ''],
      ['/api/v1/positions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([
        { deviceId: 'unit-0001', time: '2026-11-23T10:00:00Z', lat: -34.9, lon: -56.2 },
        { deviceId: 'unit-0001', time: '2026-11-23T10:00:05Z', lat: -34.9, lon: 'x' },
      ]) }, 400, '[1].lon'],
      ['/ingest/owntracks', { method: 'POST', headers: { 'content-type': 'application/json', authorization: basic('u', 'k') }, body: JSON.stringify({ _type: 'location', lat: -34.9, lon: -56.1, tst: 1795417200 }) }, 400, 'topic'],
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
