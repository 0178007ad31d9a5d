import { Router } from 'express'
import type { Queryable } from '../db/db.ts'
import { openApiDocument } from './api-docs.ts'

/** /healthz: the process answers. /readyz: it can do its job, i.e. the database answers too. */
export function healthRouter(db: Queryable): Router {
  const r = Router()
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' })
  })
  r.get('/readyz', async (_req, res) => {
    try {
      await db.query('SELECT 1')
      res.json({ status: 'ready', checks: { database: 'ok' } })
    } catch (err) {
      res.status(503).json({ status: 'unavailable', checks: { database: (err as Error).message } })
    }
  })
  // Built on request: every route module has registered itself by the time anyone asks.
  r.get('/api/v1/openapi.json', (_req, res) => {
    res.json(openApiDocument())
  })
  return r
}
