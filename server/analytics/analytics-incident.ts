import { latLngToCell } from 'h3-js'
import type { Db } from '../db/db.ts'

/** The H3 resolutions kept per incident (migration 0010): 6 ≈ 36 km² down to 11 ≈ 0.002 km². */
export const H3_RESOLUTIONS = [6, 7, 8, 9, 10, 11] as const
const CHUNK = 20_000

/** The analytics_incident column of a resolution; `to_hex` of it is H3's string form. */
export function h3Column(res: number): string {
  if (!(H3_RESOLUTIONS as readonly number[]).includes(res)) throw new Error(`H3 resolution ${res} is not stored`)
  return `h3_r${res}`
}

const draining = new WeakMap<Db, Promise<number>>()

/**
 * Brings analytics_incident up to date with the incidents the triggers of migration 0010 queued (new or
 * changed), computing their H3 cells, so that a query right after this sees every committed incident.
 * Concurrent callers share one drain.
 */
export function syncAnalyticsIncidents(db: Db): Promise<number> {
  const running = draining.get(db)
  if (running) return running
  const run = drain(db).finally(() => draining.delete(db))
  draining.set(db, run)
  return run
}

const COLUMNS = ['reported_at', 'grid_code', 'category_code', 'source', 'priority', 'lon', 'lat', ...H3_RESOLUTIONS.map(h3Column)]
const TYPES = ['timestamptz', 'text', 'text', 'text', 'int2', 'float8', 'float8', ...H3_RESOLUTIONS.map(() => 'int8')]

async function drain(db: Db): Promise<number> {
  let done = 0
  for (;;) {
    const n = await db.transaction(async (tx) => {
      const queued = (
        await tx.query<{ id: string }>(
          `SELECT incident_id AS id FROM analytics_incident_pending ORDER BY incident_id LIMIT ${CHUNK} FOR UPDATE SKIP LOCKED`,
        )
      ).rows.map((r) => r.id)
      if (queued.length === 0) return 0
      // FOR SHARE: an incident deleted meanwhile is deleted after this commits, and its trigger then removes the row.
      const r = await tx.query<{ id: string; reported_at: string; grid_code: string | null; category_code: string | null; source: string; priority: number; lon: number; lat: number }>(
        `SELECT id, reported_at, grid_code, category_code, source, priority, ST_X(geom) AS lon, ST_Y(geom) AS lat
         FROM incident WHERE id = ANY($1::bigint[]) FOR SHARE`,
        [queued],
      )
      const cols: unknown[][] = [r.rows.map((row) => row.id), ...COLUMNS.map(() => [] as unknown[])]
      for (const row of r.rows) {
        const values = [row.reported_at, row.grid_code, row.category_code, row.source, row.priority, row.lon, row.lat,
          ...H3_RESOLUTIONS.map((res) => BigInt(`0x${latLngToCell(row.lat, row.lon, res)}`).toString())]
        values.forEach((v, k) => cols[k + 1].push(v))
      }
      await tx.query(
        `INSERT INTO analytics_incident (incident_id, ${COLUMNS.join(', ')})
         SELECT * FROM unnest($1::bigint[], ${TYPES.map((t, k) => `$${k + 2}::${t}[]`).join(', ')})
         ON CONFLICT (incident_id) DO UPDATE SET ${COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`,
        cols,
      )
      // Ids whose incident is gone are simply dropped from the queue.
      await tx.query('DELETE FROM analytics_incident_pending WHERE incident_id = ANY($1::bigint[])', [queued])
      return queued.length
    })
    done += n
    if (n < CHUNK) return done
  }
}
