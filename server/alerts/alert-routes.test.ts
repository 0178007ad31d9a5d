import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import express from 'express'
import pino from 'pino'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { MAX_SNAPSHOT_BYTES } from '../../geo/ingest/parse-camera-webhook.ts'
import { openApiDocument } from '../http/api-docs.ts'
import { errorHandler } from '../http/http-error.ts'
import { FeedHealth } from '../ingest/feed-health.ts'
import { describeBackends } from '../testing/backends.ts'
import { listen } from '../testing/listen.ts'
import { FIXTURE_GRIDS, insertTrackingFixture } from '../testing/tracking-fixture.ts'
import { alertRouter } from './alert-routes.ts'
import { AlertIngest, type AlertEvent } from './alert-store.ts'
import { cameraDirectory } from './camera-directory.ts'
import { insertCameraFixture } from './camera-fixture.ts'
import { SnapshotFiles } from './snapshot-files.ts'
import { NONCE_HEADER, SIGNATURE_HEADER, signedHeaders, TIMESTAMP_HEADER } from './webhook-signature.ts'
import { withPrincipal } from '../auth/principal.ts'
import { testPrincipal } from '../testing/test-users.ts'

const SECRET = 'test-secret'
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...Array.from({ length: 64 }, (_, i) => i)])
const time = '2026-11-23T09:58:00Z'

/** A signed POST of a JSON object or of a multipart form (signed over exactly the bytes sent). */
async function post(url: string, body: object | FormData, opts: { secret?: string | null; signature?: string; now?: number; nonce?: string } = {}) {
  const req = body instanceof FormData
    ? new Request(url, { method: 'POST', body })
    : new Request(url, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } })
  const raw = new Uint8Array(await req.arrayBuffer())
  const headers = new Headers(req.headers)
  const secret = opts.secret === undefined ? SECRET : opts.secret
  if (opts.signature) headers.set(SIGNATURE_HEADER, opts.signature)
  else if (secret) for (const [k, v] of Object.entries(signedHeaders(secret, raw, opts.now, opts.nonce))) headers.set(k, v)
  return fetch(url, { method: 'POST', body: raw, headers })
}

describeBackends('camera alert routes', ({ db }) => {
  let base: string
  let close: () => Promise<void>
  let dir: string
  const feeds = new FeedHealth()
  const published: AlertEvent[] = []

  beforeAll(async () => {
    const grids = await insertTrackingFixture(db())
    await insertCameraFixture(db())
    dir = mkdtempSync(join(tmpdir(), 'gw-snapshots-'))
    const snapshots = new SnapshotFiles(dir)
    const ingest = new AlertIngest(db(), cameraDirectory(db()), grids, {
      snapshots, publish: (_g, e) => published.push(e), now: () => new Date('2026-11-23T10:00:00Z'),
    })
    const app = express()
    // The reads need a principal (the webhook does not: it is signed).
    app.use(withPrincipal(testPrincipal('dispatcher')))
    app.use(alertRouter({ db: db(), ingest, snapshots, webhookSecret: SECRET, feeds }))
    // As in the app: the general JSON parser comes after the raw-body webhook.
    app.use(express.json())
    app.use(errorHandler(pino({ level: 'silent' })))
    ;({ close, url: base } = await listen(app))
  })
  afterAll(async () => {
    await close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('takes a signed JSON alert once (201, then 200 unchanged) and publishes it once', async () => {
    const alert = { id: 'a-1', cameraId: 'cam-0001', type: 'smoke', time, score: 0.8 }
    const first = await post(`${base}/api/v1/camera-alerts`, alert)
    expect(first.status).toBe(201)
    const body = await first.json()
    expect(body).toEqual({ id: expect.any(Number), outcome: 'created' })
    expect(first.headers.get('location')).toBe(`/api/v1/camera-alerts/${body.id}`)
    const again = await post(`${base}/api/v1/camera-alerts`, alert)
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual({ id: body.id, outcome: 'unchanged' })
    expect(published.map((e) => e.op)).toEqual(['created'])
    expect(published[0].alert).toMatchObject({ source: 'webhook', sourceId: 'cam-0001:a-1', gridCode: FIXTURE_GRIDS.west, state: 'new' })
  })

  it('refuses a missing, wrong or foreign signature with 401 and counts it against the feed', async () => {
    const alert = { id: 'a-2', cameraId: 'cam-0001', type: 'smoke', time }
    for (const opts of [{ secret: null }, { secret: 'other' }, { signature: 'sha1=abcd' }]) {
      const res = await post(`${base}/api/v1/camera-alerts`, alert, opts)
      expect(res.status).toBe(401)
      expect((await res.json()).error.code).toBe('invalid_signature')
    }
    expect(feeds.snapshot().find((f) => f.feed === 'camera-webhook')).toMatchObject({ ok: 2, rejected: 3 })
  })

  it('names the wrong fields and an unknown camera with 400', async () => {
    const bad = await post(`${base}/api/v1/camera-alerts`, { cameraId: 'cam-0001', type: 'face', time: 'noon', score: 2 })
    expect(bad.status).toBe(400)
    const err = (await bad.json()).error
    expect(err.code).toBe('invalid_alert')
    expect(err.details.map((d: { path: string }) => d.path).sort()).toEqual(['score', 'time', 'type'])
    const unknown = await post(`${base}/api/v1/camera-alerts`, { cameraId: 'cam-9999', type: 'smoke', time })
    expect(unknown.status).toBe(400)
    expect((await unknown.json()).error.message).toBe('camera: unknown camera "cam-9999"')
  })

  it('takes a multipart alert with a JPEG and serves the JPEG back', async () => {
    const form = new FormData()
    form.set('cameraId', 'cam-0012')
    form.set('type', 'fire')
    form.set('time', String(Date.parse(time) / 1000))
    form.set('score', '0.66')
    form.set('snapshot', new Blob([JPEG], { type: 'image/jpeg' }), 'snap.jpg')
    const res = await post(`${base}/api/v1/camera-alerts`, form)
    expect(res.status).toBe(201)
    const { id } = await res.json()
    const alert = published.at(-1)!.alert
    expect(alert).toMatchObject({ id, type: 'fire', score: 0.66, snapshotUrl: `/api/v1/camera-alerts/${id}/snapshot.jpg`, gridCode: FIXTURE_GRIDS.east })
    const jpeg = await fetch(base + alert.snapshotUrl)
    expect(jpeg.status).toBe(200)
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg')
    expect(new Uint8Array(await jpeg.arrayBuffer())).toEqual(JPEG)
    expect((await fetch(`${base}/api/v1/camera-alerts/999999/snapshot.jpg`)).status).toBe(404)
    expect((await fetch(`${base}/api/v1/camera-alerts/abc/snapshot.jpg`)).status).toBe(404)
  })

  it('refuses snapshots over 2 MiB (413), non-JPEGs (400) and other media types (415)', async () => {
    const big = new Uint8Array(MAX_SNAPSHOT_BYTES + 1)
    big.set(JPEG)
    const form = new FormData()
    form.set('cameraId', 'cam-0012')
    form.set('type', 'fire')
    form.set('time', time)
    form.set('snapshot', new Blob([big], { type: 'image/jpeg' }), 'big.jpg')
    const tooBig = await post(`${base}/api/v1/camera-alerts`, form)
    expect(tooBig.status).toBe(413)
    form.set('snapshot', new Blob([new TextEncoder().encode('GIF89a')], { type: 'image/gif' }), 'x.gif')
    const notJpeg = await post(`${base}/api/v1/camera-alerts`, form)
    expect(notJpeg.status).toBe(400)
    expect((await notJpeg.json()).error.details).toEqual([{ path: 'snapshot', message: 'snapshot is not a JPEG' }])
    const hugeBody = await post(`${base}/api/v1/camera-alerts`, { cameraId: 'cam-0012', type: 'fire', time, pad: 'x'.repeat(4 * 1024 * 1024) })
    expect(hugeBody.status).toBe(413)
    const text = await fetch(`${base}/api/v1/camera-alerts`, {
      method: 'POST', body: 'hello', headers: { 'Content-Type': 'text/plain', ...signedHeaders(SECRET, 'hello') },
    })
    expect(text.status).toBe(415)
  })

  it('lists alerts as GeoJSON pages with a next link, and filters by bbox', async () => {
    const page1 = await (await fetch(`${base}/api/v1/camera-alerts?since=2020-01-01T00:00:00Z&limit=1`)).json()
    expect(page1.type).toBe('FeatureCollection')
    expect(page1.features).toHaveLength(1)
    expect(page1.features[0]).toMatchObject({ type: 'Feature', geometry: { type: 'Point', coordinates: [-56.2, -34.9] }, properties: { cameraId: 'cam-0001' } })
    expect(page1.next).toMatch(/^\/api\/v1\/camera-alerts\?/)
    const page2 = await (await fetch(base + page1.next)).json()
    expect(page2.features.map((f: { properties: { cameraId: string } }) => f.properties.cameraId)).toEqual(['cam-0012'])
    expect(page2.next).toBeNull()
    const east = await (await fetch(`${base}/api/v1/camera-alerts?since=2020-01-01T00:00:00Z&bbox=-56.15,-35,-56,-34.8`)).json()
    expect(east.features).toHaveLength(1)
    const bad = await fetch(`${base}/api/v1/camera-alerts?since=yesterday&bbox=1,2`)
    expect(bad.status).toBe(400)
  })

  it('lists cameras as GeoJSON', async () => {
    const fc = await (await fetch(`${base}/api/v1/cameras?bbox=-56.15,-35,-56,-34.8`)).json()
    expect(fc.features).toEqual([
      expect.objectContaining({ type: 'Feature', id: 'cam-0012', geometry: { type: 'Point', coordinates: [-56.1, -34.9] } }),
    ])
    expect(fc.features[0].properties).not.toHaveProperty('streamUrl')
  })

  it('refuses a replayed delivery (same nonce), a stale timestamp and a missing nonce, and stores nothing', async () => {
    const count = async () => (await db().query<{ n: number }>('SELECT count(*)::int AS n FROM camera_alert')).rows[0].n
    const alert = { id: 'replay-1', cameraId: 'cam-0001', type: 'smoke', time, score: 0.7 }
    expect((await post(`${base}/api/v1/camera-alerts`, alert, { nonce: 'nonce-replay-0001' })).status).toBe(201)
    const before = await count()
    const replay = await post(`${base}/api/v1/camera-alerts`, { ...alert, score: 0.9 }, { nonce: 'nonce-replay-0001' })
    expect(replay.status).toBe(409)
    expect((await replay.json()).error.code).toBe('replayed')
    const stale = await post(`${base}/api/v1/camera-alerts`, { ...alert, id: 'replay-2' }, { now: Date.now() - 3_600_000 })
    expect(stale.status).toBe(401)
    expect((await stale.json()).error.code).toBe('stale_signature')
    const raw = JSON.stringify({ ...alert, id: 'replay-3' })
    const noNonce = signedHeaders(SECRET, raw)
    delete noNonce[NONCE_HEADER]
    const missing = await fetch(`${base}/api/v1/camera-alerts`, { method: 'POST', body: raw, headers: { 'Content-Type': 'application/json', ...noNonce } })
    expect(missing.status).toBe(401)
    expect(noNonce[TIMESTAMP_HEADER]).toMatch(/^\d+$/)
    expect(await count()).toBe(before)
  })

  it('documents its routes', () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, unknown>> }
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/cameras', '/api/v1/camera-alerts', '/api/v1/camera-alerts/{id}/snapshot.jpg']))
    expect(doc.paths['/api/v1/camera-alerts']).toHaveProperty('post')
  })
})

describeBackends('camera alert webhook without a secret', ({ db }) => {
  it('answers 503 instead of taking unsigned alerts', async () => {
    const app = express()
    const snapshots = new SnapshotFiles(join(tmpdir(), 'unused'))
    const ingest = new AlertIngest(db(), cameraDirectory(db()), { lookup: () => null } as never)
    app.use(alertRouter({ db: db(), ingest, snapshots }))
    app.use(errorHandler(pino({ level: 'silent' })))
    const served = await listen(app)
    try {
      const res = await post(`${served.url}/api/v1/camera-alerts`, { cameraId: 'cam-0001', type: 'smoke', time })
      expect(res.status).toBe(503)
      expect((await res.json()).error.code).toBe('webhook_disabled')
    } finally {
      await served.close()
    }
  })
})
