import { Router } from 'express'
import type { Queryable } from '../db/db.ts'

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
  return r
}
