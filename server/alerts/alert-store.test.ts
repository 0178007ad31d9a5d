import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { CameraAlert } from '../../geo/ingest/camera-alert.ts'
import { ParseError } from '../../geo/ingest/parse-error.ts'
import { parseFrigateReview } from '../../geo/ingest/parse-frigate.ts'
import { describeBackends } from '../testing/backends.ts'
import { FIXTURE_GRIDS, insertTrackingFixture } from '../testing/tracking-fixture.ts'
import { listAlerts, listCameras, openAlertsSnapshot } from './alert-queries.ts'
import { AlertIngest, type AlertEvent } from './alert-store.ts'
import { cameraDirectory } from './camera-directory.ts'
import { FIXTURE_CAMERAS, insertCameraFixture } from './camera-fixture.ts'
import { SnapshotFiles } from './snapshot-files.ts'

const sample = (name: string) => JSON.parse(readFileSync(new URL(`../../geo/ingest/fixtures/${name}`, import.meta.url), 'utf8'))
const reviewNew = sample('frigate-review-new.json')
const reviewEnd = sample('frigate-review-end.json')
const now = new Date('2025-11-23T07:05:00Z')
const review = (msg: unknown) => parseFrigateReview(msg, { baseUrl: 'http://frigate.lan:5000' })!
const withAfter = (msg: { after: object }, after: object) => ({ ...msg, after: { ...msg.after, ...after } })
const webhook = (sourceId: string, over: Partial<CameraAlert> = {}): CameraAlert => ({
  source: 'webhook', sourceId, camera: { by: 'id', id: FIXTURE_CAMERAS.east.id }, type: 'smoke', score: 0.7, severity: 'alert',
  startedAt: new Date('2025-11-23T07:02:00Z'), endedAt: null, snapshotUrl: null, clipUrl: null, attributes: { objects: ['smoke'] }, ...over,
})
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xdb, 1, 2, 3, 4])

describeBackends('camera alert store', ({ db }) => {
  let ingest: AlertIngest
  let dir: string
  const published: Array<{ grid: string | null; event: AlertEvent }> = []
  const count = async () => (await db().query<{ n: number }>('SELECT count(*)::int AS n FROM camera_alert')).rows[0].n

  beforeAll(async () => {
    const grids = await insertTrackingFixture(db())
    await insertCameraFixture(db())
    dir = mkdtempSync(join(tmpdir(), 'gw-snapshots-'))
    ingest = new AlertIngest(db(), cameraDirectory(db()), grids, {
      publish: (grid, event) => published.push({ grid, event }),
      snapshots: new SnapshotFiles(dir),
      now: () => now,
    })
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('opens one alert per Frigate review, placed in the grid of the camera, and publishes it after commit', async () => {
    expect(await ingest.hasSource('frigate')).toBe(false)
    const r = await ingest.submit(review(reviewNew))
    expect(r.outcome).toBe('created')
    expect(r.alert).toMatchObject({
      source: 'frigate', sourceId: '1763881230.112233-k3x9qp', cameraId: 'cam-0001', type: 'person', severity: 'alert', state: 'new',
      startedAt: '2025-11-23T07:00:30.112Z', endedAt: null, gridCode: FIXTURE_GRIDS.west, lon: -56.2, lat: -34.9,
      snapshotUrl: 'http://frigate.lan:5000/api/events/1763881229.998877-a1b2c3/snapshot.jpg',
      clipUrl: 'http://frigate.lan:5000/api/review/1763881230.112233-k3x9qp/clip.mp4',
      attributes: { objects: ['person'], zones: ['entrance'] },
    })
    expect(published).toEqual([{ grid: FIXTURE_GRIDS.west, event: { op: 'created', alert: r.alert } }])
    expect(await ingest.hasSource('frigate')).toBe(true)
  })

  it('stores a redelivery once and does not publish it again', async () => {
    expect((await ingest.submit(review(reviewNew))).outcome).toBe('unchanged')
    expect(await count()).toBe(1)
    expect(published).toHaveLength(1)
  })

  it('ends the same alert on `end`, keeping what the operator did with it', async () => {
    await db().query(`UPDATE camera_alert SET state = 'acknowledged'`)
    const r = await ingest.submit(review(reviewEnd))
    expect(r.outcome).toBe('updated')
    expect(r.alert).toMatchObject({ endedAt: '2025-11-23T07:01:02.504Z', state: 'acknowledged', attributes: { objects: ['person', 'car'] } })
    expect(await count()).toBe(1)
    expect(published.at(-1)!.event.op).toBe('updated')
  })

  it('neither reopens an ended alert nor rolls it back when an earlier message is redelivered late', async () => {
    const before = published.length
    expect((await ingest.submit(review(reviewNew))).outcome).toBe('unchanged')
    const row = (await db().query<{ ended: Date; objects: string[] }>(`SELECT ended_at AS ended, attributes->'objects' AS objects FROM camera_alert`)).rows[0]
    expect(row.ended).not.toBeNull()
    expect(row.objects).toEqual(['person', 'car'])
    expect(published).toHaveLength(before)
  })

  it('opens nothing for a detection, opens the alert when Frigate upgrades it, and never downgrades', async () => {
    const id = '1763881300.000000-zzzzzz'
    const detection = review(withAfter(reviewNew, { id, severity: 'detection' }))
    expect(await ingest.submit(detection)).toEqual({ outcome: 'ignored', alert: null })
    expect((await ingest.submit(review(withAfter(reviewNew, { id })))).outcome).toBe('created')
    const again = await ingest.submit(review(withAfter(reviewNew, { id, severity: 'detection', end_time: 1763881320 })))
    expect(again.alert).toMatchObject({ severity: 'alert', endedAt: '2025-11-23T07:02:00.000Z' })
  })

  it('refuses an unknown camera or an impossible time and stores nothing', async () => {
    const before = await count()
    const unknown = await ingest.submit(review(withAfter(reviewNew, { id: 'x1', camera: 'nowhere' }))).catch((e) => e)
    expect(unknown).toBeInstanceOf(ParseError)
    expect(unknown.message).toBe('camera: no camera has frigate_name "nowhere"')
    const future = await ingest.submit(webhook('cam-0012:f', { startedAt: new Date(now.getTime() + 3_600_000) })).catch((e) => e)
    expect(future).toBeInstanceOf(ParseError)
    expect(future.problems[0].path).toBe('time')
    expect(await count()).toBe(before)
  })

  it('stores a webhook snapshot on disk with the alert, served from our own URL', async () => {
    const r = await ingest.submit(webhook('cam-0012:e1'), JPEG)
    expect(r.outcome).toBe('created')
    expect(r.alert).toMatchObject({ gridCode: FIXTURE_GRIDS.east, snapshotUrl: `/api/v1/camera-alerts/${r.alert!.id}/snapshot.jpg`, score: 0.7 })
    expect(new Uint8Array(readFileSync(join(dir, `${r.alert!.id}.jpg`)))).toEqual(JPEG)
    expect(published.at(-1)!.event.alert.snapshotUrl).toBe(r.alert!.snapshotUrl)
    // The same delivery again: nothing changes, the snapshot URL stays.
    expect((await ingest.submit(webhook('cam-0012:e1'), JPEG)).outcome).toBe('unchanged')
    // A higher score from the sender updates it; a lower one does not.
    expect((await ingest.submit(webhook('cam-0012:e1', { score: 0.9 }))).alert).toMatchObject({ score: 0.9, snapshotUrl: r.alert!.snapshotUrl })
    expect((await ingest.submit(webhook('cam-0012:e1', { score: 0.1 }))).outcome).toBe('unchanged')
  })

  it('lists alerts in pages, by bbox and area, and the open ones for the live snapshot', async () => {
    const since = new Date(0)
    const all = await listAlerts(db(), { since, limit: 100 })
    expect(all.rows).toHaveLength(3)
    expect(all.next).toBeNull()
    const first = await listAlerts(db(), { since, limit: 2 })
    const second = await listAlerts(db(), { since, limit: 2, after: first.next! })
    expect([...first.rows, ...second.rows].map((r) => r.id)).toEqual(all.rows.map((r) => r.id))
    expect(second.next).toBeNull()
    expect((await listAlerts(db(), { since, limit: 100, bbox: [-56.15, -35, -56.0, -34.8] })).rows.map((r) => r.cameraId)).toEqual(['cam-0012'])
    expect((await listAlerts(db(), { since, limit: 100, area: FIXTURE_GRIDS.west })).rows).toHaveLength(2)
    expect((await listAlerts(db(), { since: new Date(Date.now() + 60_000), limit: 100 })).rows).toHaveLength(0)

    const snapshot = openAlertsSnapshot(db())
    expect((await snapshot(FIXTURE_GRIDS.east)).map((r) => r.cameraId)).toEqual(['cam-0012'])
    expect(await snapshot('999001001001')).toHaveLength(3)
  })

  it('lists cameras without their stream URLs', async () => {
    const cams = await listCameras(db(), { bbox: [-56.25, -35, -56.15, -34.8] })
    expect(cams).toEqual([expect.objectContaining({ id: 'cam-0001', frigateName: 'gate_north', lon: -56.2, lat: -34.9, headingDeg: 90 })])
    expect(JSON.stringify(await listCameras(db()))).not.toContain('rtsp')
  })
})
