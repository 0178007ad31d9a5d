import { Router } from 'express'
import { z } from 'zod'
import type { Queryable } from '../db/db.ts'
import { documentRoute } from '../http/api-docs.ts'
import { badRequestFromZod } from '../http/http-error.ts'
import { requireRole, type Role } from '../auth/principal.ts'
import { audited } from './audit-http.ts'
import { verifyAuditChain } from './verify-chain.ts'

const AUDIT_READERS: readonly Role[] = ['auditor', 'admin']

const AuditQuery = z.object({
  actor: z.string().max(100).optional(),
  action: z.string().max(100).optional().describe('exact, or a prefix ending in * (e.g. auth.*)'),
  targetType: z.string().max(100).optional(),
  targetId: z.string().max(200).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: z.string().regex(/^\d{1,18}$/).optional().describe("newest first: the previous page's nextBefore"),
})

const AuditRow = z.object({
  id: z.number(), at: z.string(), actor: z.string(), actorIp: z.string().nullable(), action: z.string(),
  targetType: z.string().nullable(), targetId: z.string().nullable(), detail: z.record(z.string(), z.unknown()), hash: z.string(),
})

documentRoute({
  method: 'get', path: '/api/v1/audit', summary: 'Search the audit log, newest first (auditor, admin); the search itself is audited',
  tags: ['audit'], query: AuditQuery, response: z.object({ rows: z.array(AuditRow), nextBefore: z.string().nullable() }), roles: AUDIT_READERS,
})
documentRoute({
  method: 'get', path: '/api/v1/audit/verify', summary: 'Recompute the hash chain and name the first row that does not fit (auditor, admin)',
  tags: ['audit'], roles: AUDIT_READERS,
})

export function auditRouter(db: Queryable): Router {
  const r = Router()
  const searched = audited('audit.search', (req) => ({ type: 'audit_log', detail: { filter: req.query } }))
  r.get('/api/v1/audit', requireRole(...AUDIT_READERS), searched, async (req, res) => {
    const q = AuditQuery.safeParse(req.query)
    if (!q.success) throw badRequestFromZod(q.error, 'query')
    const f = q.data
    const action = f.action?.endsWith('*') ? `${f.action.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%` : f.action
    const rows = await db.query<z.infer<typeof AuditRow>>(
      `SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, actor_ip AS "actorIp", action,
              target_type AS "targetType", target_id AS "targetId", detail, hash
       FROM audit_log
       WHERE ($1::text IS NULL OR actor = $1)
         AND ($2::text IS NULL OR action LIKE $2)
         AND ($3::text IS NULL OR target_type = $3)
         AND ($4::text IS NULL OR target_id = $4)
         AND ($5::timestamptz IS NULL OR at >= $5)
         AND ($6::timestamptz IS NULL OR at < $6)
         AND ($7::bigint IS NULL OR id < $7)
       ORDER BY id DESC LIMIT $8`,
      [f.actor ?? null, action ?? null, f.targetType ?? null, f.targetId ?? null, f.from ?? null, f.to ?? null, f.before ?? null, f.limit + 1],
    )
    const more = rows.rows.length > f.limit
    const page = rows.rows.slice(0, f.limit)
    res.json({ rows: page, nextBefore: more ? String(page[page.length - 1].id) : null })
  })

  r.get('/api/v1/audit/verify', requireRole(...AUDIT_READERS), async (_req, res) => {
    res.json(await verifyAuditChain(db))
  })
  return r
}
