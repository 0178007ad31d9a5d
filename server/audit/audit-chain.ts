import { createHash } from 'node:crypto'
import type { AuditRecord } from '../../geo/audit/audit-record.ts'

export type { AuditRecord }

export const GENESIS_HASH = '0'.repeat(64)

/** JSON with object keys sorted at every depth: jsonb does not keep key order, so the hash must not depend on it. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** sha256 over the previous row's hash and this row's canonical form: editing or removing a row breaks the next link. */
export function chainHash(prevHash: string, r: AuditRecord): string {
  const canonical = canonicalJson([r.at, r.actor, r.actorIp, r.action, r.targetType, r.targetId, r.detail])
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex')
}
