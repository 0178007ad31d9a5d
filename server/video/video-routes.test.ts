import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import express, { type RequestHandler } from 'express'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Principal } from '../auth/principal.ts'
import { SnapshotFiles } from '../alerts/snapshot-files.ts'
import { describeBackends } from '../testing/backends.ts'
import { listenRouters } from '../testing/listen.ts'
import { FIXTURE_GRIDS } from '../testing/tracking-fixture.ts'
import { playableStream } from './camera-streams.ts'
import { videoRouter } from './video-routes.ts'

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4])
const principal = (role: Principal['role'], areas: Principal['areas']): Principal => ({ userId: 1, username: role, role, areas, layers: new Set() })
const PRINCIPALS: Record<string, Principal> = {
  admin: principal('admin', 'all'),
  wall: principal('wall', 'all'),
  westDispatcher: principal('dispatcher', [FIXTURE_GRIDS.west]),
  analyst: principal('analyst', 'all'),
}
/** Stands in for the authentication middleware: the principal named by a test header, none without it. */
const asHeader: RequestHandler = (req, _res, next) => {
  const who = req.get('x-test-as')
  if (who) req.principal = PRINCIPALS[who]
  next()
}

const CAMERAS: Array<[id: string, grid: string, url: string | null, kind: string | null]> = [
  ['cam-0001', FIXTURE_GRIDS.west, '/video/cam-0001/index.m3u8', 'hls'],
  // Local, but no ffmpeg runs for it: its stored snapshot instead.
  ['cam-0002', FIXTURE_GRIDS.west, '/video/cam-0002/index.m3u8', 'hls'],
  ['cam-0012', FIXTURE_GRIDS.east, 'https://media.example.org/api/whep?src=cam12', 'whep'],
  ['cam-0013', FIXTURE_GRIDS.east, 'rtsp://admin:secret@10.0.0.1/stream1', null],
  ['cam-0014', FIXTURE_GRIDS.east, 'https://user:pw@nvr.example.org/cam14/index.m3u8', 'hls'],
  // A media server not in MEDIA_ORIGINS: the browser may not reach it, so it is not offered.
  ['cam-0015', FIXTURE_GRIDS.east, 'http://127.0.0.1:8888/cam15/index.m3u8', 'hls'],
  ['cam-0016', FIXTURE_GRIDS.east, null, null],
]

describeBackends('video routes', ({ db }) => {
  let base: string
  let close: () => Promise<void>
  let dir: string
  const running = new Set(['cam-0001'])
  const get = (path: string, as?: string) => fetch(base + path, { headers: as ? { 'x-test-as': as } : {} })

  beforeAll(async () => {
    for (const [id, grid, url, kind] of CAMERAS) {
      await db().query(
        `INSERT INTO camera (id, name, geom, heading_deg, fov_deg, range_m, placement, owner, stream_url, stream_kind, grid_code)
         VALUES ($1, $1, ST_SetSRID(ST_MakePoint(-56.2, -34.9), 4326), 0, 60, 80, 'downtown', 'city', $2, $3, $4)`,
        [id, url, kind, grid],
      )
    }
    dir = mkdtempSync(join(tmpdir(), 'gw-video-'))
    const snapshots = new SnapshotFiles(join(dir, 'snapshots'))
    for (const cam of ['cam-0002', 'cam-0016']) {
      const r = await db().query<{ id: number }>(
        `INSERT INTO camera_alert (source, source_id, camera_id, type, started_at) VALUES ('webhook', $1, $1, 'fire', now()) RETURNING id`,
        [cam],
      )
      const id = Number(r.rows[0].id)
      await db().query(`UPDATE camera_alert SET snapshot_url = $2 WHERE id = $1`, [id, `/api/v1/camera-alerts/${id}/snapshot.jpg`])
      await snapshots.save(id, JPEG)
    }
    // A Frigate link is not a snapshot we can serve.
    await db().query(`INSERT INTO camera_alert (source, source_id, camera_id, type, started_at, snapshot_url)
      VALUES ('frigate', 'r-1', 'cam-0013', 'person', now(), 'http://frigate.local/api/events/1/snapshot.jpg')`)
    const video = join(dir, 'video')
    mkdirSync(join(video, 'cam-0001'), { recursive: true })
    writeFileSync(join(video, 'cam-0001', 'index.m3u8'), '#EXTM3U\n')
    writeFileSync(join(video, 'cam-0001', 'init.mp4'), 'init')
    writeFileSync(join(video, 'cam-0001', 'seg-00007.m4s'), 'segment')
    writeFileSync(join(video, 'cam-0001', '.label.txt'), 'label')
    const app = express.Router()
    app.use(asHeader)
    ;({ close, url: base } = await listenRouters(app, videoRouter({ db: db(), snapshots, videoDir: video, localStreams: () => running, mediaOrigins: ['https://media.example.org'] })))
  })
  afterAll(async () => {
    await close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('lists what a browser can play per camera, and the latest snapshot where nothing plays', async () => {
    const res = await get('/api/v1/camera-streams', 'wall')
    expect(res.status).toBe(200)
    expect((await res.json()).streams).toEqual([
      { cameraId: 'cam-0001', kind: 'hls', url: '/video/cam-0001/index.m3u8' },
      { cameraId: 'cam-0002', kind: 'snapshot', url: '/api/v1/cameras/cam-0002/snapshot.jpg' },
      { cameraId: 'cam-0012', kind: 'whep', url: 'https://media.example.org/api/whep?src=cam12' },
      { cameraId: 'cam-0016', kind: 'snapshot', url: '/api/v1/cameras/cam-0016/snapshot.jpg' },
    ])
  })

  it('lists and serves only cameras in the jurisdiction', async () => {
    const res = await get('/api/v1/camera-streams', 'westDispatcher')
    expect((await res.json()).streams.map((s: { cameraId: string }) => s.cameraId)).toEqual(['cam-0001', 'cam-0002'])
    expect((await get('/api/v1/cameras/cam-0016/snapshot.jpg', 'westDispatcher')).status).toBe(404)
    expect((await get('/api/v1/cameras/cam-0002/snapshot.jpg', 'westDispatcher')).status).toBe(200)
  })

  it('answers 401 without a principal and 403 to a role that does not watch cameras', async () => {
    for (const path of ['/api/v1/camera-streams', '/api/v1/cameras/cam-0002/snapshot.jpg', '/video/cam-0001/index.m3u8']) {
      const anon = await get(path)
      expect(anon.status).toBe(401)
      expect((await anon.json()).error.code).toBe('unauthenticated')
      expect((await get(path, 'analyst')).status).toBe(403)
    }
  })

  it("serves a camera's latest stored snapshot, 404 when it has none", async () => {
    const res = await get('/api/v1/cameras/cam-0002/snapshot.jpg', 'wall')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/jpeg')
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(JPEG)
    expect((await get('/api/v1/cameras/cam-0013/snapshot.jpg', 'wall')).status).toBe(404)
    expect((await get('/api/v1/cameras/nope/snapshot.jpg', 'wall')).status).toBe(404)
    expect((await get('/api/v1/cameras/a%20b/snapshot.jpg', 'wall')).status).toBe(400)
  })

  it('serves the files of a running local stream with HLS content types, and nothing else', async () => {
    const playlist = await get('/video/cam-0001/index.m3u8', 'wall')
    expect(playlist.status).toBe(200)
    expect(playlist.headers.get('content-type')).toBe('application/vnd.apple.mpegurl')
    expect(playlist.headers.get('cache-control')).toBe('no-cache')
    expect(await playlist.text()).toBe('#EXTM3U\n')
    const init = await get('/video/cam-0001/init.mp4', 'wall')
    expect([init.status, init.headers.get('content-type')]).toEqual([200, 'video/mp4'])
    const seg = await get('/video/cam-0001/seg-00007.m4s', 'wall')
    expect([seg.status, seg.headers.get('content-type'), await seg.text()]).toEqual([200, 'video/iso.segment', 'segment'])
    // Rolled out of the window, not running, not a stream file, not a camera id.
    expect((await get('/video/cam-0001/seg-00001.m4s', 'wall')).status).toBe(404)
    expect((await get('/video/cam-0002/index.m3u8', 'wall')).status).toBe(404)
    expect((await get('/video/cam-0001/.label.txt', 'wall')).status).toBe(400)
    expect((await get('/video/cam-0001/..%2F..%2Fsnapshots', 'wall')).status).toBe(400)
    expect((await get('/video/cam-0001/index.m3u8', 'westDispatcher')).status).toBe(200)
  })
})

it('plays only http(s) HLS or WHEP without credentials on a listed media server, and local streams only while they run', () => {
  const none = new Set<string>()
  const media = new Set(['https://go2rtc.local:1984', 'http://10.0.0.5:8889'])
  expect(playableStream('/video/cam-0001/index.m3u8', 'hls', new Set(['cam-0001']), none)).toEqual({ kind: 'hls', url: '/video/cam-0001/index.m3u8' })
  expect(playableStream('/video/cam-0001/index.m3u8', 'hls', none, media)).toBeNull()
  expect(playableStream('/video/cam-0001/index.m3u8', 'whep', new Set(['cam-0001']), media)).toBeNull()
  expect(playableStream('https://go2rtc.local:1984/api/webrtc?src=x', 'whep', none, media)).toEqual({ kind: 'whep', url: 'https://go2rtc.local:1984/api/webrtc?src=x' })
  expect(playableStream('http://10.0.0.5:8889/cam1/whep', 'whep', none, media)).toEqual({ kind: 'whep', url: 'http://10.0.0.5:8889/cam1/whep' })
  // Not a listed origin: another port, another scheme, no list at all.
  expect(playableStream('http://10.0.0.5:8888/cam1/index.m3u8', 'hls', none, media)).toBeNull()
  expect(playableStream('http://go2rtc.local:1984/api/webrtc?src=x', 'whep', none, media)).toBeNull()
  expect(playableStream('https://go2rtc.local:1984/api/webrtc?src=x', 'whep', none, none)).toBeNull()
  expect(playableStream('rtsp://cam/1', 'hls', none, new Set(['rtsp://cam']))).toBeNull()
  expect(playableStream('https://a:b@go2rtc.local:1984/1.m3u8', 'hls', none, media)).toBeNull()
  expect(playableStream('https://go2rtc.local:1984/1.m3u8', null, none, media)).toBeNull()
  expect(playableStream('/other/path.m3u8', 'hls', none, media)).toBeNull()
  expect(playableStream(null, 'hls', none, media)).toBeNull()
})
