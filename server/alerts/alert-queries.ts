import type { AlertAttributes } from '../../geo/ingest/camera-alert.ts'
import type { Queryable } from '../db/db.ts'
import type { Principal } from '../auth/principal.ts'
import { areaScope } from '../auth/area-scope.ts'

/** A stored camera alert as the API, the live layer and the wall see it. */
export interface AlertRow {
  id: number
  source: string
  sourceId: string
  cameraId: string
  type: string
  score: number | null
  severity: string | null
  startedAt: string
  endedAt: string | null
  /** When gridwatch first stored it. */
  serverTime: string
  state: 'new' | 'acknowledged' | 'filed' | 'dismissed'
  snapshotUrl: string | null
  clipUrl: string | null
  attributes: AlertAttributes
  gridCode: string | null
  lon: number | null
  lat: number | null
}

const iso = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

/** The select list of AlertRow over `camera_alert` aliased `a` (also usable in RETURNING). */
export const ALERT_COLUMNS = `a.id, a.source, a.source_id AS "sourceId", a.camera_id AS "cameraId", a.type, a.score, a.severity,
  ${iso('a.started_at')} AS "startedAt", ${iso('a.ended_at')} AS "endedAt", ${iso('a.server_time')} AS "serverTime",
  a.state, a.snapshot_url AS "snapshotUrl", a.clip_url AS "clipUrl", a.attributes, a.grid_code AS "gridCode",
  ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat`

export interface AlertListQuery {
  /** Stored at or after this time. */
  since: Date
  /** Only alerts whose grid lies under this area code (jurisdiction prefix). */
  area?: string
  bbox?: readonly number[]
  /** Continue after this alert id (the previous page's `next`). */
  after?: number
  limit: number
  /** Only alerts in this principal's jurisdiction. */
  principal?: Principal
}

/** One page of alerts in storage order (id), and the cursor of the next page if there may be one. */
export async function listAlerts(q: Queryable, query: AlertListQuery): Promise<{ rows: AlertRow[]; next: number | null }> {
  const params: unknown[] = [query.since, query.area ?? null, ...(query.bbox ?? [null, null, null, null]), query.after ?? null, query.limit + 1]
  const scope = query.principal ? areaScope(query.principal, 'a.grid_code', params) : 'TRUE'
  const r = await q.query<AlertRow>(
    `SELECT ${ALERT_COLUMNS} FROM camera_alert a
     WHERE a.server_time >= $1
       AND ($2::text IS NULL OR a.grid_code LIKE $2 || '%')
       AND ($3::float8 IS NULL OR a.geom && ST_MakeEnvelope($3, $4, $5, $6, 4326))
       AND ($7::int8 IS NULL OR a.id > $7)
       AND ${scope}
     ORDER BY a.id
     LIMIT $8`,
    params,
  )
  const more = r.rows.length > query.limit
  const rows = more ? r.rows.slice(0, query.limit) : r.rows
  return { rows, next: more ? rows[rows.length - 1].id : null }
}

/** One alert; with a principal, null when it lies outside its jurisdiction. */
export async function alertById(q: Queryable, id: number, principal?: Principal): Promise<AlertRow | null> {
  const params: unknown[] = [id]
  const scope = principal ? areaScope(principal, 'a.grid_code', params) : 'TRUE'
  const r = await q.query<AlertRow>(`SELECT ${ALERT_COLUMNS} FROM camera_alert a WHERE a.id = $1 AND ${scope}`, params)
  return r.rows[0] ?? null
}

/** For the live `alerts` layer: the open alerts of the last day under a jurisdiction, newest first. */
export function openAlertsSnapshot(q: Queryable, now: () => Date = () => new Date()) {
  return async (areaCode: string): Promise<AlertRow[]> => {
    const r = await q.query<AlertRow>(
      `SELECT ${ALERT_COLUMNS} FROM camera_alert a
       WHERE a.state IN ('new', 'acknowledged') AND a.server_time >= $1
         AND coalesce(a.grid_code, '') LIKE $2 || '%'
       ORDER BY a.id DESC
       LIMIT 1000`,
      [new Date(now().getTime() - 86_400_000), areaCode],
    )
    return r.rows
  }
}

export interface CameraRow {
  id: string
  name: string
  nameEn: string | null
  lon: number
  lat: number
  headingDeg: number
  fovDeg: number
  rangeM: number
  placement: string
  owner: string
  status: string
  frigateName: string | null
  gridCode: string | null
}

/** Cameras without their stream URL (it may carry credentials), optionally inside a bbox and an area. */
export async function listCameras(q: Queryable, filter: { bbox?: readonly number[]; area?: string; principal?: Principal } = {}): Promise<CameraRow[]> {
  const params: unknown[] = [filter.area ?? null, ...(filter.bbox ?? [null, null, null, null])]
  const scope = filter.principal ? areaScope(filter.principal, 'grid_code', params) : 'TRUE'
  const r = await q.query<CameraRow>(
    `SELECT id, name, name_en AS "nameEn", ST_X(geom) AS lon, ST_Y(geom) AS lat, heading_deg AS "headingDeg",
            fov_deg AS "fovDeg", range_m AS "rangeM", placement, owner, status, frigate_name AS "frigateName",
            grid_code AS "gridCode"
     FROM camera
     WHERE ($1::text IS NULL OR grid_code LIKE $1 || '%')
       AND ($2::float8 IS NULL OR geom && ST_MakeEnvelope($2, $3, $4, $5, 4326))
       AND ${scope}
     ORDER BY id`,
    params,
  )
  return r.rows
}
