import { readdir, rm } from 'node:fs/promises'
import type { Db } from '../db/db.ts'
import type { Logger } from '../logger.ts'
import type { SnapshotFiles } from '../alerts/snapshot-files.ts'
import { AUDIT_CHAIN_LOCK, type AuditLog } from './audit-log.ts'

/** Days each data class is kept; 0 keeps it forever. */
export interface RetentionPolicy {
  positionsDays: number
  snapshotsDays: number
  auditDays: number
}

export interface RetentionResult {
  positions: number
  snapshots: number
  audit: number
  webhookNonces: number
}

const DAY_MS = 86_400_000
/** Webhook nonces only need to outlive the accepted clock skew. */
const NONCE_KEEP_MS = 3_600_000

/**
 * Deletes what is older than its class allows: position history (by server time), alert snapshot files (by the
 * alert's time), audit rows (oldest first, keeping the chain provable through audit_anchor) and old webhook nonces.
 * The run itself is audited, so every deletion of audit rows leaves a trace in the chain.
 */
export async function enforceRetention(db: Db, snapshots: SnapshotFiles, audit: AuditLog, policy: RetentionPolicy, now: Date): Promise<RetentionResult> {
  const cutoff = (days: number) => new Date(now.getTime() - days * DAY_MS)
  const result: RetentionResult = { positions: 0, snapshots: 0, audit: 0, webhookNonces: 0 }
  if (policy.positionsDays > 0) {
    result.positions = (await db.query('DELETE FROM position_history WHERE server_time < $1', [cutoff(policy.positionsDays)])).affectedRows
  }
  if (policy.snapshotsDays > 0) result.snapshots = await deleteOldSnapshots(db, snapshots, cutoff(policy.snapshotsDays))
  if (policy.auditDays > 0) {
    // Wait for queued appends, so none chains onto a row removed here.
    await audit.flush()
    result.audit = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK])
      const last = await tx.query<{ id: number; hash: string }>(
        'SELECT id, hash FROM audit_log WHERE at < $1 ORDER BY id DESC LIMIT 1', [cutoff(policy.auditDays)],
      )
      const edge = last.rows[0]
      if (!edge) return 0
      await tx.query(`SELECT set_config('gridwatch.audit_retention', 'on', true)`)
      const removed = await tx.query('DELETE FROM audit_log WHERE id <= $1', [edge.id])
      await tx.query(
        `INSERT INTO audit_anchor (id, last_id, last_hash, pruned_at) VALUES (1, $1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash, pruned_at = excluded.pruned_at`,
        [edge.id, edge.hash, now],
      )
      return removed.affectedRows
    })
  }
  result.webhookNonces = (await db.query('DELETE FROM webhook_replay WHERE seen_at < $1', [new Date(now.getTime() - NONCE_KEEP_MS)])).affectedRows
  if (result.positions || result.snapshots || result.audit) {
    await audit.append({ actor: 'system', action: 'retention.run', targetType: 'retention', detail: { ...result, policy: { ...policy } } })
  }
  return result
}

async function deleteOldSnapshots(db: Db, snapshots: SnapshotFiles, before: Date): Promise<number> {
  let names: string[]
  try {
    names = await readdir(snapshots.dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw err
  }
  const ids = names.map((n) => /^(\d+)\.jpg$/.exec(n)?.[1]).filter((x): x is string => x !== undefined).map(Number)
  if (!ids.length) return 0
  // A file whose alert is gone (or older than the cutoff) goes.
  const keep = await db.query<{ id: number }>('SELECT id FROM camera_alert WHERE id = ANY($1::bigint[]) AND server_time >= $2', [ids, before])
  const kept = new Set(keep.rows.map((r) => r.id))
  const old = ids.filter((id) => !kept.has(id))
  for (const id of old) await rm(snapshots.path(id), { force: true })
  return old.length
}

/** Runs enforceRetention now and then every `everyMs` (default hourly); the clock is injectable for tests. */
export function scheduleRetention(
  run: (now: Date) => Promise<RetentionResult>,
  log: Logger,
  opts: { everyMs?: number; now?: () => Date } = {},
): { stop(): void; running(): Promise<void> } {
  const now = opts.now ?? (() => new Date())
  let current: Promise<void> = Promise.resolve()
  const tick = () => {
    current = current.then(() =>
      run(now()).then(
        (r) => { if (r.positions || r.snapshots || r.audit) log.info(r, 'retention enforced') },
        (err: unknown) => log.error({ err }, 'retention run failed'),
      ),
    )
  }
  tick()
  const timer = setInterval(tick, opts.everyMs ?? 3_600_000)
  timer.unref()
  return { stop: () => clearInterval(timer), running: () => current }
}
