import type { Db, Queryable } from '../db/db.ts'
import type { Logger } from '../logger.ts'
import type { StoredFix } from './stored-fix.ts'

export interface WriterOptions {
  /** Fixes per transaction. */
  maxBatch: number
  /** Accepted but not yet committed; past this, new work is refused (HTTP 503) rather than risked. */
  maxQueued: number
  /** Retry delay after a failed commit doubles up to this. */
  maxRetryMs: number
}

export const DEFAULT_WRITER_OPTIONS: WriterOptions = { maxBatch: 5000, maxQueued: 100_000, maxRetryMs: 5000 }

/** The buffer is full: the caller should answer 503 with Retry-After. */
export class BackPressureError extends Error {
  constructor(readonly retryAfterS: number) {
    super('ingest buffer full')
  }
}

interface Pending {
  fixes: StoredFix[]
  resolve: (fresh: StoredFix[]) => void
}

/**
 * Batches fixes from all sources into one transaction per batch (history, then the latest position) and
 * resolves each caller only after its fixes are committed, so a source is acknowledged only for what is safe.
 * When the database is down, batches wait and retry; nothing accepted is dropped.
 */
export class PositionWriter {
  private queue: Pending[] = []
  private queued = 0
  private running: Promise<void> | null = null
  private closed = false
  private readonly listeners: Array<(fixes: StoredFix[]) => void> = []
  readonly options: WriterOptions

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    options: Partial<WriterOptions> = {},
  ) {
    this.options = { ...DEFAULT_WRITER_OPTIONS, ...options }
  }

  /** Called with the fixes each commit newly stored (redeliveries are not repeated). */
  onCommitted(listener: (fixes: StoredFix[]) => void): void {
    this.listeners.push(listener)
  }

  get backlog(): number {
    return this.queued
  }

  /** Resolves after commit with those of `fixes` that were new (not redeliveries). */
  write(fixes: StoredFix[]): Promise<StoredFix[]> {
    if (this.closed) return Promise.reject(new Error('writer closed'))
    if (fixes.length === 0) return Promise.resolve([])
    if (this.queued + fixes.length > this.options.maxQueued) return Promise.reject(new BackPressureError(5))
    this.queued += fixes.length
    const done = new Promise<StoredFix[]>((resolve) => this.queue.push({ fixes, resolve }))
    this.running ??= this.drain().finally(() => {
      this.running = null
    })
    return done
  }

  /** Stop taking work and wait until everything taken is committed. */
  async close(): Promise<void> {
    this.closed = true
    while (this.running) await this.running
  }

  private async drain(): Promise<void> {
    let delay = 100
    while (this.queue.length) {
      // PGlite answers in microtasks, so without this the next batch would start before the requests already
      // received got a turn to queue their fixes: one commit per fix instead of one per batch.
      await new Promise((resolve) => setImmediate(resolve))
      const batch = this.takeBatch()
      const fixes = batch.flatMap((p) => p.fixes)
      for (;;) {
        try {
          const fresh = await this.db.transaction((tx) => storeFixes(tx, fixes))
          delay = 100
          this.queued -= fixes.length
          const isFresh = new Set(fresh)
          batch.forEach((p) => p.resolve(p.fixes.filter((f) => isFresh.has(f))))
          if (fresh.length) for (const l of this.listeners) l(fresh)
          break
        } catch (err) {
          this.log.warn({ err: (err as Error).message, fixes: fixes.length, retryInMs: delay }, 'position batch not committed; retrying')
          await new Promise((r) => setTimeout(r, delay))
          delay = Math.min(delay * 2, this.options.maxRetryMs)
        }
      }
    }
  }

  private takeBatch(): Pending[] {
    const batch: Pending[] = []
    let n = 0
    while (this.queue.length && (batch.length === 0 || n + this.queue[0].fixes.length <= this.options.maxBatch)) {
      const p = this.queue.shift()!
      n += p.fixes.length
      batch.push(p)
    }
    return batch
  }
}

const COLUMNS = `unit_id, device_id, device_time, server_time, geom, speed_mps, heading_deg, accuracy_m, battery_pct, grid_code, source, verdict`

/**
 * History first, skipping fixes already stored (a redelivery); then, from what was new and accepted, the newest
 * per unit becomes the latest position unless the stored one is newer still (out-of-order delivery).
 * Returns the fixes that were new.
 */
export async function storeFixes(q: Queryable, fixes: StoredFix[]): Promise<StoredFix[]> {
  const cols = {
    unit: fixes.map((f) => f.unitId),
    device: fixes.map((f) => f.deviceId),
    deviceTime: fixes.map((f) => f.deviceTime),
    serverTime: fixes.map((f) => f.serverTime),
    lon: fixes.map((f) => f.lon),
    lat: fixes.map((f) => f.lat),
    speed: fixes.map((f) => f.speedMps),
    heading: fixes.map((f) => f.headingDeg),
    accuracy: fixes.map((f) => f.accuracyM),
    battery: fixes.map((f) => f.batteryPct),
    grid: fixes.map((f) => f.gridCode),
    source: fixes.map((f) => f.source),
    verdict: fixes.map((f) => f.verdict),
  }
  const inserted = await q.query<{ i: number }>(
    `WITH input AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::float8[], $6::float8[],
         $7::float4[], $8::float4[], $9::float4[], $10::float4[], $11::text[], $12::text[], $13::text[])
         WITH ORDINALITY AS u(unit_id, device_id, device_time, server_time, lon, lat, speed, heading, accuracy,
           battery, grid_code, source, verdict, i)
     ), ins AS (
       INSERT INTO position_history (${COLUMNS})
       SELECT DISTINCT ON (unit_id, device_time) unit_id, device_id, device_time, server_time,
         ST_SetSRID(ST_MakePoint(lon, lat), 4326), speed, heading, accuracy, battery, grid_code, source, verdict
       FROM input ORDER BY unit_id, device_time, i
       ON CONFLICT (unit_id, device_time) DO NOTHING
       RETURNING unit_id, device_time
     )
     SELECT min(input.i)::int AS i FROM ins JOIN input USING (unit_id, device_time) GROUP BY ins.unit_id, ins.device_time`,
    [cols.unit, cols.device, cols.deviceTime, cols.serverTime, cols.lon, cols.lat, cols.speed, cols.heading,
      cols.accuracy, cols.battery, cols.grid, cols.source, cols.verdict],
  )
  const fresh = inserted.rows.map((r) => fixes[r.i - 1]).sort((a, b) => a.deviceTime.getTime() - b.deviceTime.getTime())
  const newest = new Map<string, StoredFix>()
  for (const f of fresh) if (f.verdict === 'accepted') newest.set(f.unitId, f)
  if (newest.size) await upsertLatest(q, [...newest.values()])
  const moves = fresh.filter((f) => f.transition)
  if (moves.length) {
    await q.query(
      `INSERT INTO unit_grid_transition (unit_id, at, from_grid, to_grid)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
      [moves.map((f) => f.unitId), moves.map((f) => f.transition!.at), moves.map((f) => f.transition!.from), moves.map((f) => f.transition!.to)],
    )
  }
  return fresh
}

async function upsertLatest(q: Queryable, fixes: StoredFix[]): Promise<void> {
  await q.query(
    `INSERT INTO unit_position_latest (unit_id, device_id, device_time, server_time, geom, speed_mps, heading_deg,
       accuracy_m, battery_pct, grid_code, source)
     SELECT unit_id, device_id, device_time, server_time, ST_SetSRID(ST_MakePoint(lon, lat), 4326), speed, heading,
       accuracy, battery, grid_code, source
     FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::float8[], $6::float8[],
       $7::float4[], $8::float4[], $9::float4[], $10::float4[], $11::text[], $12::text[])
       AS u(unit_id, device_id, device_time, server_time, lon, lat, speed, heading, accuracy, battery, grid_code, source)
     ON CONFLICT (unit_id) DO UPDATE SET device_id = excluded.device_id, device_time = excluded.device_time,
       server_time = excluded.server_time, geom = excluded.geom, speed_mps = excluded.speed_mps,
       heading_deg = excluded.heading_deg, accuracy_m = excluded.accuracy_m, battery_pct = excluded.battery_pct,
       grid_code = excluded.grid_code, source = excluded.source
     WHERE excluded.device_time > unit_position_latest.device_time`,
    [
      fixes.map((f) => f.unitId), fixes.map((f) => f.deviceId), fixes.map((f) => f.deviceTime), fixes.map((f) => f.serverTime),
      fixes.map((f) => f.lon), fixes.map((f) => f.lat), fixes.map((f) => f.speedMps), fixes.map((f) => f.headingDeg),
      fixes.map((f) => f.accuracyM), fixes.map((f) => f.batteryPct), fixes.map((f) => f.gridCode), fixes.map((f) => f.source),
    ],
  )
}
