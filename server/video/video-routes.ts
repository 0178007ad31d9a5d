import { Router } from 'express'
import { join } from 'node:path'
import { z } from 'zod'
import { principalOf, requireRole, type Role } from '../auth/principal.ts'
import type { Queryable } from '../db/db.ts'
import { documentRoute } from '../http/api-docs.ts'
import { badRequestFromZod, HttpError } from '../http/http-error.ts'
import type { SnapshotFiles } from '../alerts/snapshot-files.ts'
import { cameraInScope, cameraViews, latestSnapshotAlert } from './camera-streams.ts'

/** Who may watch cameras: the people at the consoles and the wall. */
export const VIDEO_ROLES: readonly Role[] = ['admin', 'supervisor', 'dispatcher', 'wall']

const CameraId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a camera id')
/** What ffmpeg's HLS muxer writes, and nothing else from the stream folder. */
const StreamFile = z.string().regex(/^(index\.m3u8|init\.mp4|seg-\d{5,9}\.m4s)$/, 'expected a playlist, init or segment file')
const VideoParams = z.object({ cameraId: CameraId, file: StreamFile })
const SnapshotParams = z.object({ id: CameraId })

const CameraViews = z.object({
  streams: z.array(
    z.object({
      cameraId: z.string(),
      kind: z.enum(['hls', 'whep', 'snapshot']).describe('hls: an HLS playlist; whep: a WHEP endpoint (POST an SDP offer); snapshot: a JPEG to refresh'),
      url: z.string(),
    }),
  ),
})

documentRoute({
  method: 'get', path: '/api/v1/camera-streams', tags: ['cameras'], roles: VIDEO_ROLES, response: CameraViews, errors: [401, 403],
  summary: 'How each camera in your jurisdiction can be watched: its HLS or WHEP stream, else its latest stored snapshot',
})
documentRoute({
  method: 'get', path: '/api/v1/cameras/{id}/snapshot.jpg', tags: ['cameras'], roles: VIDEO_ROLES, errors: [400, 401, 403, 404],
  summary: "The camera's latest stored snapshot (from its newest alert that came with one)",
})
documentRoute({
  method: 'get', path: '/video/{cameraId}/{file}', tags: ['cameras'], roles: VIDEO_ROLES, errors: [400, 401, 403, 404],
  summary: "A locally generated test stream's HLS playlist, init segment or media segment",
})

const CONTENT_TYPES: Record<string, string> = {
  m3u8: 'application/vnd.apple.mpegurl',
  mp4: 'video/mp4',
  m4s: 'video/iso.segment',
}

export interface VideoRoutesDeps {
  db: Queryable
  snapshots: SnapshotFiles
  /** DATA_DIR/video: one folder per local test stream. */
  videoDir: string
  /** Cameras whose local test stream is being written right now. */
  localStreams: () => ReadonlySet<string>
  /** MEDIA_ORIGINS: the media servers whose streams browsers may be sent to. */
  mediaOrigins: readonly string[]
}

export function videoRouter({ db, snapshots, videoDir, localStreams, mediaOrigins }: VideoRoutesDeps): Router {
  const r = Router()
  const origins = new Set(mediaOrigins)
  const watch = requireRole(...VIDEO_ROLES)

  r.get('/api/v1/camera-streams', watch, async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ streams: await cameraViews(db, principalOf(req), localStreams(), origins) })
  })

  r.get('/api/v1/cameras/:id/snapshot.jpg', watch, async (req, res) => {
    const p = SnapshotParams.safeParse(req.params)
    if (!p.success) throw badRequestFromZod(p.error, 'params')
    const alertId = await latestSnapshotAlert(db, principalOf(req), p.data.id)
    const jpeg = alertId === null ? null : await snapshots.read(alertId)
    if (!jpeg) throw new HttpError(404, 'not_found', 'no snapshot stored for this camera')
    res.set({ 'Content-Type': 'image/jpeg', 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' }).send(jpeg)
  })

  r.get('/video/:cameraId/:file', watch, async (req, res) => {
    const p = VideoParams.safeParse(req.params)
    if (!p.success) throw badRequestFromZod(p.error, 'params')
    const { cameraId, file } = p.data
    if (!localStreams().has(cameraId) || !(await cameraInScope(db, principalOf(req), cameraId))) {
      throw new HttpError(404, 'not_found', 'no local stream for this camera')
    }
    // The playlist changes every second; segments never change once written.
    const cache = file.endsWith('.m3u8') ? 'no-cache' : 'private, max-age=60'
    res.set({ 'Content-Type': CONTENT_TYPES[file.split('.').pop()!], 'Cache-Control': cache, 'X-Content-Type-Options': 'nosniff' })
    await new Promise<void>((resolve, reject) =>
      res.sendFile(join(videoDir, cameraId, file), { dotfiles: 'deny', headers: {} }, (err) => {
        // A segment deleted from the rolling window between playlist and request: gone, not an error.
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') reject(new HttpError(404, 'not_found', 'segment no longer in the window'))
        else if (err && !res.headersSent) reject(err)
        else resolve()
      }),
    )
  })
  return r
}
