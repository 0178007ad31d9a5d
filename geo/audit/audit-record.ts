/** One audit record as it is hashed: everything but the id and the hashes themselves. */
export interface AuditRecord {
  /** ISO 8601 with milliseconds, UTC. */
  at: string
  actor: string
  actorIp: string | null
  action: string
  targetType: string | null
  targetId: string | null
  detail: Record<string, unknown>
}

/** A stored audit record, as the audit API lists it. */
export interface AuditEntry extends AuditRecord {
  id: number
}
