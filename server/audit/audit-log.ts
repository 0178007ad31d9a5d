import type { Db, Queryable } from '../db/db.ts'
import type { Logger } from '../logger.ts'
import { chainHash, GENESIS_HASH, type AuditRecord } from './audit-chain.ts'

export interface AuditEntry {
  actor: string
  actorIp?: string | null
  /** e.g. `auth.login`, `auth.login_failed`, `http.write`, `track.view`, `export` */
  action: string
  targetType?: string | null
  targetId?: string | null
  detail?: Record<string, unknown>
}

/** Any number that fits in a bigint and is ours alone: every writer of the chain takes this transaction lock. */
export const AUDIT_CHAIN_LOCK = 7_100_451_001

/**
 * The append-only, hash-chained audit log. Appends are queued and written in order, a batch per transaction,
 * under a transaction-scoped advisory lock taken before the last hash is read: writers in other processes (or
 * other pool connections) wait for it, so two of them can never chain onto the same row and fork the chain.
 */
export class AuditLog {
  private queue: Array<{ record: AuditRecord; done: (err?: unknown) => void }> = []
  private running: Promise<void> | null = null

  constructor(
    private readonly db: Db,
    private readonly log?: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Resolves once the entry is committed. */
  append(e: AuditEntry): Promise<void> {
    const record: AuditRecord = {
      at: this.now().toISOString(),
      actor: e.actor,
      actorIp: e.actorIp ?? null,
      action: e.action,
      targetType: e.targetType ?? null,
      targetId: e.targetId ?? null,
      detail: e.detail ?? {},
    }
    const committed = new Promise<void>((resolve, reject) => this.queue.push({ record, done: (err) => (err ? reject(err) : resolve()) }))
    this.running ??= this.drain()
    return committed
  }

  /** For callers that must not wait (an HTTP answer already sent): failures are logged, never lost silently. */
  record(e: AuditEntry): void {
    this.append(e).catch((err: unknown) => this.log?.error({ err, action: e.action }, 'audit append failed'))
  }

  /** Waits until everything appended so far is committed (or failed). */
  async flush(): Promise<void> {
    while (this.running) await this.running
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, 500)
        try {
          await this.db.transaction((tx) => appendBatch(tx, batch.map((b) => b.record)))
          for (const b of batch) b.done()
        } catch (err) {
          for (const b of batch) b.done(err)
        }
      }
    } finally {
      this.running = null
    }
  }
}

async function appendBatch(tx: Queryable, records: AuditRecord[]): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK])
  let prev = await lastHash(tx)
  for (const r of records) {
    const hash = chainHash(prev, r)
    await tx.query(
      `INSERT INTO audit_log (at, actor, actor_ip, action, target_type, target_id, detail, prev_hash, hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)`,
      [r.at, r.actor, r.actorIp, r.action, r.targetType, r.targetId, JSON.stringify(r.detail), prev, hash],
    )
    prev = hash
  }
}

/** The hash the next row chains onto: the newest row's, else the anchor left by retention, else genesis. */
export async function lastHash(q: Queryable): Promise<string> {
  const r = await q.query<{ hash: string }>(
    `SELECT hash FROM (SELECT hash, 0 AS pri, id FROM (SELECT hash, id FROM audit_log ORDER BY id DESC LIMIT 1) l
                       UNION ALL SELECT last_hash, 1, last_id FROM audit_anchor) h
     ORDER BY pri LIMIT 1`,
  )
  return r.rows[0]?.hash ?? GENESIS_HASH
}
