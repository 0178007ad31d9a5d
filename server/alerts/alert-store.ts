import type { CameraAlert, CameraAlertSource } from '../../geo/ingest/camera-alert.ts'
import { checkDeviceTime, DEFAULT_CLOCK_LIMITS, type ClockLimits } from '../../geo/ingest/fix-clock.ts'
import { ParseError } from '../../geo/ingest/parse-error.ts'
import type { GridIndex } from '../../geo/grid-index/grid-index.ts'
import type { Db, Queryable } from '../db/db.ts'
import { ALERT_COLUMNS, type AlertRow } from './alert-queries.ts'
import type { CameraDirectory, CameraPlace } from './camera-directory.ts'
import type { SnapshotFiles } from './snapshot-files.ts'

/** What the live `alerts` layer gets when an alert is opened or changes (ended, upgraded, new snapshot). */
export interface AlertEvent {
  op: 'created' | 'updated'
  alert: AlertRow
}

/** `hub.publishEvent('alerts', gridCode, event)`, or anything else that wants to hear of alerts. */
export type AlertPublisher = (gridCode: string | null, event: AlertEvent) => void

export interface AlertSubmitResult {
  /** `ignored`: a `detection` for which no alert exists; nothing stored. `unchanged`: a redelivery. */
  outcome: 'created' | 'updated' | 'unchanged' | 'ignored'
  alert: AlertRow | null
}

export interface AlertIngestOptions {
  /** Called after commit, once per alert that was created or changed (never for a redelivery). */
  publish?: AlertPublisher
  /** Where uploaded snapshots go; without it a snapshot is refused. */
  snapshots?: SnapshotFiles
  clock?: ClockLimits
  now?: () => Date
}

/** The path the GET route serves an uploaded snapshot at. */
export const snapshotPath = (alertId: number) => `/api/v1/camera-alerts/${alertId}/snapshot.jpg`

/**
 * Camera alerts from every source into `camera_alert`: camera resolved to ours, grid by the grid index at the
 * camera's position, one row per (source, source id) in one transaction with its snapshot, published after
 * commit. An alert is only ever opened, updated or ended here: it never dispatches anything (a human confirms).
 */
export class AlertIngest {
  private readonly now: () => Date
  private readonly clock: ClockLimits

  constructor(
    private readonly db: Db,
    private readonly cameras: CameraDirectory,
    private readonly grids: GridIndex,
    private readonly options: AlertIngestOptions = {},
  ) {
    this.now = options.now ?? (() => new Date())
    this.clock = options.clock ?? DEFAULT_CLOCK_LIMITS
  }

  /** Throws ParseError (unknown camera, impossible time) and stores nothing; resolves after commit. */
  async submit(alert: CameraAlert, snapshot?: Uint8Array | null): Promise<AlertSubmitResult> {
    const camera = await this.cameras.resolve(alert.camera)
    if (!camera) {
      const message = alert.camera.by === 'id'
        ? `unknown camera "${alert.camera.id}"`
        : `no camera has frigate_name "${alert.camera.name}"`
      throw new ParseError([{ path: 'camera', message }])
    }
    const clock = checkDeviceTime(alert.startedAt, this.now(), this.clock)
    if (clock) throw new ParseError([{ path: 'time', message: clock }])
    if (snapshot && !this.options.snapshots) throw new ParseError([{ path: 'snapshot', message: 'snapshots are not stored here' }])
    const gridCode = this.grids.lookup(camera.lon, camera.lat) ?? camera.gridCode

    const result = await this.db.transaction(async (tx) => {
      const stored = await upsertAlert(tx, alert, camera, gridCode)
      if (!snapshot || !stored.alert) return stored
      await this.options.snapshots!.save(stored.alert.id, snapshot)
      const url = snapshotPath(stored.alert.id)
      if (stored.alert.snapshotUrl === url) return stored
      const r = await tx.query<AlertRow>(`UPDATE camera_alert a SET snapshot_url = $2 WHERE a.id = $1 RETURNING ${ALERT_COLUMNS}`, [stored.alert.id, url])
      return { outcome: stored.outcome === 'created' ? 'created' : 'updated', alert: r.rows[0] } as AlertSubmitResult
    })
    if ((result.outcome === 'created' || result.outcome === 'updated') && result.alert) {
      this.options.publish?.(result.alert.gridCode, { op: result.outcome, alert: result.alert })
    }
    return result
  }

  /** Whether any alert of this source was ever stored (e.g. this Frigate publishes reviews). */
  async hasSource(source: CameraAlertSource): Promise<boolean> {
    const r = await this.db.query<{ x: boolean }>('SELECT EXISTS (SELECT 1 FROM camera_alert WHERE source = $1) AS x', [source])
    return r.rows[0]?.x ?? false
  }
}

/*
 * How a later message about a stored alert changes it. `stale` is an update that arrives after the end (a
 * redelivery out of order): it may not reopen the alert or roll its details back. Severity and score only go
 * up; media URLs, once known, stay. Camera, start, grid and position are the first message's. The operator's
 * state is never touched.
 */
const STALE = `(a.ended_at IS NOT NULL AND excluded.ended_at IS NULL)`
const MERGE: ReadonlyArray<[column: string, expr: string]> = [
  ['type', `CASE WHEN ${STALE} THEN a.type ELSE excluded.type END`],
  ['score', `GREATEST(a.score, excluded.score)`],
  ['severity', `CASE WHEN 'alert' IN (a.severity, excluded.severity) THEN 'alert' ELSE excluded.severity END`],
  ['ended_at', `COALESCE(excluded.ended_at, a.ended_at)`],
  ['snapshot_url', `COALESCE(excluded.snapshot_url, a.snapshot_url)`],
  ['clip_url', `COALESCE(excluded.clip_url, a.clip_url)`],
  ['attributes', `CASE WHEN ${STALE} THEN a.attributes ELSE excluded.attributes END`],
]
const SET = MERGE.map(([c, e]) => `${c} = ${e}`).join(', ')
const CHANGED = `(${MERGE.map(([c]) => `a.${c}`).join(', ')}) IS DISTINCT FROM (${MERGE.map(([, e]) => e).join(', ')})`

const INPUT = `$1::text AS source, $2::text AS source_id, $3::text AS camera_id, $4::text AS type, $5::float4 AS score,
  $6::text AS severity, $7::timestamptz AS started_at, $8::timestamptz AS ended_at, $9::text AS snapshot_url,
  $10::text AS clip_url, $11::jsonb AS attributes, $12::text AS grid_code, ST_SetSRID(ST_MakePoint($13::float8, $14::float8), 4326) AS geom`

/** Opens (severity alert) or updates the alert; returns the row if it was created or changed. */
async function upsertAlert(q: Queryable, alert: CameraAlert, camera: CameraPlace, gridCode: string | null): Promise<AlertSubmitResult> {
  const params = [
    alert.source, alert.sourceId, camera.id, alert.type, alert.score, alert.severity, alert.startedAt, alert.endedAt,
    alert.snapshotUrl, alert.clipUrl, JSON.stringify(alert.attributes), gridCode, camera.lon, camera.lat,
  ]
  const r = alert.severity === 'alert'
    ? await q.query<AlertRow & { inserted: boolean }>(
        `INSERT INTO camera_alert AS a (source, source_id, camera_id, type, score, severity, started_at, ended_at,
           snapshot_url, clip_url, attributes, grid_code, geom)
         SELECT * FROM (SELECT ${INPUT}) AS input
         ON CONFLICT (source, source_id) DO UPDATE SET ${SET} WHERE ${CHANGED}
         RETURNING ${ALERT_COLUMNS}, (a.xmax = 0) AS inserted`,
        params,
      )
    : // A detection never opens an alert; it may still end or update one that was opened as an alert.
      await q.query<AlertRow & { inserted: boolean }>(
        `UPDATE camera_alert AS a SET ${SET}
         FROM (SELECT ${INPUT}) AS excluded
         WHERE a.source = excluded.source AND a.source_id = excluded.source_id AND ${CHANGED}
         RETURNING ${ALERT_COLUMNS}, false AS inserted`,
        params,
      )
  const row = r.rows[0]
  if (row) {
    const { inserted, ...stored } = row
    return { outcome: inserted ? 'created' : 'updated', alert: stored }
  }
  const existing = await q.query<AlertRow>(`SELECT ${ALERT_COLUMNS} FROM camera_alert a WHERE a.source = $1 AND a.source_id = $2`, [alert.source, alert.sourceId])
  return existing.rows[0] ? { outcome: 'unchanged', alert: existing.rows[0] } : { outcome: 'ignored', alert: null }
}
