import type { Queryable } from '../db/db.ts'
import { chainHash, GENESIS_HASH } from './audit-chain.ts'
import type { AuditEntry } from '../../geo/audit/audit-record.ts'

export type ChainVerdict =
  | { ok: true; rows: number; firstId: number | null; lastId: number | null }
  | { ok: false; rows: number; badId: number; reason: string }

const PAGE = 5000

interface Row extends AuditEntry {
  prevHash: string
  hash: string
}

/**
 * Walks the whole audit log in id order and recomputes every hash. The first row must chain onto the retention
 * anchor (or genesis); every later row onto the row before it. Names the first row that does not fit and why.
 */
export async function verifyAuditChain(q: Queryable): Promise<ChainVerdict> {
  const anchor = (await q.query<{ lastId: number; lastHash: string }>('SELECT last_id AS "lastId", last_hash AS "lastHash" FROM audit_anchor')).rows[0]
  let expectedPrev = anchor?.lastHash ?? GENESIS_HASH
  let lastId = anchor?.lastId ?? 0
  let rows = 0
  let firstId: number | null = null
  for (;;) {
    const page = await q.query<Row>(
      `SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, actor_ip AS "actorIp", action,
              target_type AS "targetType", target_id AS "targetId", detail, prev_hash AS "prevHash", hash
       FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2`,
      [lastId, PAGE],
    )
    for (const r of page.rows) {
      rows++
      firstId ??= r.id
      if (r.prevHash !== expectedPrev) {
        const reason = rows === 1 && anchor === undefined ? 'does not start the chain (rows before it were removed?)' : 'does not chain onto the row before it (a row was removed or reordered)'
        return { ok: false, rows, badId: r.id, reason }
      }
      const recomputed = chainHash(r.prevHash, { ...r, detail: typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail })
      if (recomputed !== r.hash) return { ok: false, rows, badId: r.id, reason: 'its content does not match its hash (the row was edited)' }
      expectedPrev = r.hash
      lastId = r.id
    }
    if (page.rows.length < PAGE) break
  }
  return { ok: true, rows, firstId, lastId: rows ? lastId : null }
}
