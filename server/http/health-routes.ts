import { Router } from 'express'
import type { Queryable } from '../db/db.ts'
import type { FeedHealth } from '../ingest/feed-health.ts'
import { openApiDocument } from './api-docs.ts'

/** A dependency /readyz asks: resolves with a detail when usable, rejects (or says not ok) when not. */
export type ReadinessProbe = () => Promise<{ ok: boolean; detail?: unknown }>

/**
 * /healthz: the process answers. /readyz: it can do its job (database, and the broker and Redis when configured),
 * plus the freshness of every feed for the wall's badges; 503 when a dependency is down.
 */
export function healthRouter(db: Queryable, feeds: FeedHealth, probes: Map<string, ReadinessProbe>): Router {
  const r = Router()
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' })
  })
  r.get('/readyz', async (_req, res) => {
    const all = new Map<string, ReadinessProbe>([['database', async () => (await db.query('SELECT 1'), { ok: true })], ...probes])
    const checks: Record<string, { ok: boolean; detail?: unknown }> = {}
    await Promise.all(
      [...all].map(async ([name, probe]) => {
        checks[name] = await probe().catch((err: Error) => ({ ok: false, detail: err.message }))
      }),
    )
    const ready = Object.values(checks).every((c) => c.ok)
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks, feeds: feeds.snapshot() })
  })
  // Built on request: every route module has registered itself by the time anyone asks.
  r.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApiDocument())
  })
  return r
}
