import type { Db, Queryable } from '../db/db.ts'
import { floatArray, textArray } from '../db/bulk-insert.ts'
import type { Logger } from '../logger.ts'
import type { StoredFix } from './stored-fix.ts'

export interface WriterOptions {
  /** Fixes per transaction. */
  maxBatch: number
  /** Accepted but not yet committed; past this, new work is refused (HTTP 503) rather than risked. */
  maxQueued: number
  /** Retry delay after a failed commit doubles up to this. */
  maxRetryMs: number
  /**
   * Transactions in flight at once. On PostgreSQL (a pool) the next batch is encoded and sent while the previous
   * one commits. PGlite's worker runs one statement at a time, so a second batch would only wait for the first:
   * measured at 10,000 units under load, two in flight were no faster (one: 7.3–12.3k, two: 7.3–10.8k fixes/s).
   */
  concurrency: number
}

export const DEFAULT_WRITER_OPTIONS: Omit<WriterOptions, 'concurrency'> = { maxBatch: 5000, maxQueued: 100_000, maxRetryMs: 5000 }

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
  private active = 0
  private scheduled = false
  private closed = false
  private idle: Array<() => void> = []
  private readonly listeners: Array<(fixes: StoredFix[]) => void> = []
  readonly options: WriterOptions

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    options: Partial<WriterOptions> = {},
  ) {
    this.options = { ...DEFAULT_WRITER_OPTIONS, concurrency: db.backend === 'postgres' ? 2 : 1, ...options }
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
    this.schedule()
    return done
  }

  /** Stop taking work and wait until everything taken is committed. */
  async close(): Promise<void> {
    this.closed = true
    while (this.queue.length || this.active || this.scheduled) await new Promise<void>((resolve) => this.idle.push(resolve))
  }

  /**
   * Starts batches while there is room. It first lets the event loop turn once: requests already received get to
   * queue their fixes, so they share a commit (a fast database answers within a turn or two, and without this
   * each fix of a burst of single-fix requests would get a commit of its own).
   */
  private schedule(): void {
    if (this.scheduled || this.active >= this.options.concurrency || this.queue.length === 0) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      while (this.active < this.options.concurrency && this.queue.length) {
        this.active++
        void this.commit(this.takeBatch()).finally(() => {
          this.active--
          this.schedule()
          if (!this.active && !this.scheduled && !this.queue.length) for (const wake of this.idle.splice(0)) wake()
        })
      }
    })
  }

  private async commit(batch: Pending[]): Promise<void> {
    const fixes = batch.length === 1 ? batch[0].fixes : batch.flatMap((p) => p.fixes)
    const rows = new FixRows(fixes)
    let delay = 100
    for (;;) {
      try {
        const fresh = await this.db.transaction((tx) => rows.store(tx))
        this.queued -= fixes.length
        const isFresh = fresh.length === fixes.length ? null : new Set(fresh)
        for (const p of batch) p.resolve(isFresh ? p.fixes.filter((f) => isFresh.has(f)) : p.fixes)
        if (fresh.length) for (const l of this.listeners) l(fresh)
        return
      } catch (err) {
        this.log.warn({ err: (err as Error).message, fixes: fixes.length, retryInMs: delay }, 'position batch not committed; retrying')
        await new Promise((r) => setTimeout(r, delay))
        delay = Math.min(delay * 2, this.options.maxRetryMs)
      }
    }
  }

  /** The oldest callers whose fixes fit in one batch (always at least one); one splice, as MQTT queues thousands. */
  private takeBatch(): Pending[] {
    let k = 0
    let n = 0
    while (k < this.queue.length && (k === 0 || n + this.queue[k].fixes.length <= this.options.maxBatch)) n += this.queue[k++].fixes.length
    return this.queue.splice(0, k)
  }
}

const key = (unitId: string, ms: number) => `${unitId}\u0000${ms}`

/**
 * One batch, encoded once (a retried batch is not encoded again). Storing it writes the history, skipping fixes
 * already stored (a redelivery), and from what was new and accepted the newest per unit becomes the latest
 * position unless the stored one is newer still (out-of-order delivery); it returns the fixes that were new.
 * Fixes are deduplicated by their key (unit, device time; the first wins) and ordered by unit, then time:
 * concurrent batches then take their row locks in the same order and cannot deadlock.
 */
class FixRows {
  private readonly unique: StoredFix[]
  private readonly history: Array<string | Buffer>
  private readonly transitions: Array<string | Buffer>

  constructor(fixes: StoredFix[]) {
    // Sorted first, then duplicates are neighbours: no key string per fix. The sort is stable, so the first sent
    // of equal fixes leads its run and is the one kept.
    const sorted = fixes.slice().sort(byUnitThenTime)
    this.unique = sorted.filter((f, i) => i === 0 || byUnitThenTime(sorted[i - 1], f) !== 0)
    this.history = columns(this.unique)
    this.transitions = transitionColumns(this.unique.filter((f) => f.transition))
  }

  async store(q: Queryable): Promise<StoredFix[]> {
    // Times travel as epoch milliseconds (float8, exact below 2^53) and become timestamptz in the database. The
    // latest positions and grid moves are taken from what the history insert returns, in the same statement: the
    // batch is encoded and sent once, in one round trip, and only fixes that were new can move a unit or record
    // a move.
    const inserted = await q.query<{ n: number; units: string[] | null; times: number[] | null }>(
      `WITH ins AS (
         INSERT INTO position_history (unit_id, device_id, device_time, server_time, geom, speed_mps, heading_deg,
           accuracy_m, battery_pct, grid_code, source, verdict)
         SELECT unit_id, device_id, to_timestamp(device_ms / 1000), to_timestamp(server_ms / 1000),
           ST_SetSRID(ST_MakePoint(lon, lat), 4326), speed, heading, accuracy, battery, grid_code, source, verdict
         FROM unnest($1::text[], $2::text[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::float4[],
           $8::float4[], $9::float4[], $10::float4[], $11::text[], $12::text[], $13::text[])
           AS u(unit_id, device_id, device_ms, server_ms, lon, lat, speed, heading, accuracy, battery, grid_code, source, verdict)
         ON CONFLICT (unit_id, device_time) DO NOTHING
         RETURNING unit_id, device_id, device_time, server_time, geom, speed_mps, heading_deg, accuracy_m, battery_pct,
           grid_code, source, verdict
       ),
       -- Each unit's newest accepted fix, unless the stored one is newer still (out-of-order delivery); in unit
       -- order, so concurrent batches take their row locks in the same order.
       latest AS (
         INSERT INTO unit_position_latest (unit_id, device_id, device_time, server_time, geom, speed_mps, heading_deg,
           accuracy_m, battery_pct, grid_code, source)
         SELECT DISTINCT ON (unit_id) unit_id, device_id, device_time, server_time, geom, speed_mps, heading_deg,
           accuracy_m, battery_pct, grid_code, source
         FROM ins WHERE verdict = 'accepted'
         ORDER BY unit_id, device_time DESC
         ON CONFLICT (unit_id) DO UPDATE SET device_id = excluded.device_id, device_time = excluded.device_time,
           server_time = excluded.server_time, geom = excluded.geom, speed_mps = excluded.speed_mps,
           heading_deg = excluded.heading_deg, accuracy_m = excluded.accuracy_m, battery_pct = excluded.battery_pct,
           grid_code = excluded.grid_code, source = excluded.source
         WHERE excluded.device_time > unit_position_latest.device_time
       ),
       -- The grid moves the new fixes confirmed, keyed by the confirming fix.
       moved AS (
         INSERT INTO unit_grid_transition (unit_id, at, from_grid, to_grid)
         SELECT t.unit_id, to_timestamp(t.at_ms / 1000), t.from_grid, t.to_grid
         FROM unnest($15::text[], $16::float8[], $17::float8[], $18::text[], $19::text[])
           AS t(unit_id, fix_ms, at_ms, from_grid, to_grid)
         JOIN ins ON ins.unit_id = t.unit_id AND ins.device_time = to_timestamp(t.fix_ms / 1000)
         ON CONFLICT DO NOTHING
       )
       -- Usually every fix is new and only the count comes back; the keys only when some were not.
       SELECT count(*)::int AS n,
         CASE WHEN count(*) < $14 THEN coalesce(array_agg(unit_id), '{}') END AS units,
         CASE WHEN count(*) < $14 THEN coalesce(array_agg((extract(epoch FROM device_time) * 1000)::float8), '{}') END AS times
       FROM ins`,
      [...this.history, this.unique.length, ...this.transitions],
    )
    const { n, units, times } = inserted.rows[0]
    let fresh = this.unique
    if (n < this.unique.length) {
      const stored = new Set(units!.map((u, i) => key(u, times![i])))
      fresh = this.unique.filter((f) => stored.has(key(f.unitId, f.deviceTime.getTime())))
    }
    return fresh
  }
}

function byUnitThenTime(a: StoredFix, b: StoredFix): number {
  return a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : a.deviceTime.getTime() - b.deviceTime.getTime()
}

/** The grid moves' columns, with the time of the fix that confirmed each, in the order of the SQL's unnest. */
function transitionColumns(fixes: StoredFix[]): Array<string | Buffer> {
  return [
    textArray(fixes.map((f) => f.unitId)), floatArray(fixes.map((f) => f.deviceTime.getTime()), 'float8'),
    floatArray(fixes.map((f) => f.transition!.at.getTime()), 'float8'),
    textArray(fixes.map((f) => f.transition!.from)), textArray(fixes.map((f) => f.transition!.to)),
  ]
}

/** The history's columns as array parameters, in the order of the SQL's unnest. */
function columns(fixes: StoredFix[]): Array<string | Buffer> {
  return [
    textArray(fixes.map((f) => f.unitId)), textArray(fixes.map((f) => f.deviceId)),
    floatArray(fixes.map((f) => f.deviceTime.getTime()), 'float8'), floatArray(fixes.map((f) => f.serverTime.getTime()), 'float8'),
    floatArray(fixes.map((f) => f.lon), 'float8'), floatArray(fixes.map((f) => f.lat), 'float8'), floatArray(fixes.map((f) => f.speedMps), 'float4'),
    floatArray(fixes.map((f) => f.headingDeg), 'float4'), floatArray(fixes.map((f) => f.accuracyM), 'float4'), floatArray(fixes.map((f) => f.batteryPct), 'float4'),
    textArray(fixes.map((f) => f.gridCode)), textArray(fixes.map((f) => f.source)), textArray(fixes.map((f) => f.verdict)),
  ]
}
