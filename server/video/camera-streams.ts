import type { Principal } from '../auth/principal.ts'
import { areaScope } from '../auth/area-scope.ts'
import type { Queryable } from '../db/db.ts'
import { localStreamCamera } from './local-stream-url.ts'

/** How a browser shows a camera live: a stream it can play, or else the camera's latest stored snapshot. */
export type CameraView = { cameraId: string; kind: 'hls' | 'whep' | 'snapshot'; url: string }

/** Where the latest stored snapshot of a camera is served. */
export const cameraSnapshotPath = (cameraId: string) => `/api/v1/cameras/${encodeURIComponent(cameraId)}/snapshot.jpg`

/** Alerts whose snapshot we stored ourselves (uploaded with a webhook), as opposed to a link into an NVR. */
const STORED_SNAPSHOT = `a.snapshot_url LIKE '/api/v1/camera-alerts/%/snapshot.jpg'`

/**
 * The stream a browser can play from a camera's configured URL and kind, or null. A local test stream counts
 * only while it is being written; a remote one only over http(s), without credentials in the URL (those belong to
 * NVRs, and a browser refuses them in fetches anyway), and on a media server listed in MEDIA_ORIGINS: the pages'
 * Content-Security-Policy lets the browser reach those origins only, so any other would just fail in the console.
 */
export function playableStream(
  url: string | null,
  kind: string | null,
  localRunning: ReadonlySet<string>,
  mediaOrigins: ReadonlySet<string>,
): Omit<CameraView, 'cameraId'> | null {
  if (!url || (kind !== 'hls' && kind !== 'whep')) return null
  const local = localStreamCamera(url)
  if (local !== null) return kind === 'hls' && localRunning.has(local) ? { kind, url } : null
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return null
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null
  if (parsed.username || parsed.password || !mediaOrigins.has(parsed.origin)) return null
  return { kind, url }
}

/** Every camera in the principal's jurisdiction that can be shown live, one view each (stream first). */
export async function cameraViews(
  q: Queryable,
  principal: Principal,
  localRunning: ReadonlySet<string>,
  mediaOrigins: ReadonlySet<string>,
): Promise<CameraView[]> {
  const params: unknown[] = []
  const scope = areaScope(principal, 'c.grid_code', params)
  const r = await q.query<{ id: string; url: string | null; kind: string | null; snapshot: boolean }>(
    `SELECT c.id, c.stream_url AS url, c.stream_kind AS kind,
            EXISTS (SELECT 1 FROM camera_alert a WHERE a.camera_id = c.id AND ${STORED_SNAPSHOT}) AS snapshot
     FROM camera c
     WHERE ${scope} AND (c.stream_kind IS NOT NULL
       OR EXISTS (SELECT 1 FROM camera_alert a WHERE a.camera_id = c.id AND ${STORED_SNAPSHOT}))
     ORDER BY c.id`,
    params,
  )
  const views: CameraView[] = []
  for (const row of r.rows) {
    const stream = playableStream(row.url, row.kind, localRunning, mediaOrigins)
    if (stream) views.push({ cameraId: row.id, ...stream })
    else if (row.snapshot) views.push({ cameraId: row.id, kind: 'snapshot', url: cameraSnapshotPath(row.id) })
  }
  return views
}

/** The newest alert of the camera whose snapshot we stored, within the principal's jurisdiction. */
export async function latestSnapshotAlert(q: Queryable, principal: Principal, cameraId: string): Promise<number | null> {
  const params: unknown[] = [cameraId]
  const scope = areaScope(principal, 'c.grid_code', params)
  const r = await q.query<{ id: string | number }>(
    `SELECT a.id FROM camera_alert a JOIN camera c ON c.id = a.camera_id
     WHERE a.camera_id = $1 AND ${STORED_SNAPSHOT} AND ${scope}
     ORDER BY a.id DESC LIMIT 1`,
    params,
  )
  return r.rows[0] ? Number(r.rows[0].id) : null
}

/** Whether the camera exists within the principal's jurisdiction. */
export async function cameraInScope(q: Queryable, principal: Principal, cameraId: string): Promise<boolean> {
  const params: unknown[] = [cameraId]
  const scope = areaScope(principal, 'c.grid_code', params)
  const r = await q.query(`SELECT 1 FROM camera c WHERE c.id = $1 AND ${scope}`, params)
  return r.rows.length > 0
}
