import express, { Router } from 'express'
import { z } from 'zod'
import { documentRoute } from '../http/api-docs.ts'
import { badRequestFromZod } from '../http/http-error.ts'
import { requireRole } from '../auth/principal.ts'
import { ANALYTICS_ROLES } from '../analytics/analytics-routes.ts'
import { auditOf } from './audit-http.ts'

/**
 * The analyst's exports are made in the browser from data the server has already sent, so the server cannot see
 * them happen: the page records each one here first and saves the file only once the record is written.
 */
const ExportRecord = z.strictObject({
  what: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a layer or table name'),
  format: z.enum(['geojson', 'csv', 'png']),
  /** The view the export was made from (the page's URL query), so an auditor can see exactly what left. */
  view: z.string().max(2000),
  rows: z.number().int().min(0).max(10_000_000),
})

documentRoute({
  method: 'post', path: '/api/v1/exports', summary: 'Record an export made in the browser (layer, format, view, rows) in the audit log before the file is saved',
  tags: ['audit'], body: ExportRecord, errors: [400, 401, 403], roles: ANALYTICS_ROLES,
})

export function exportRouter(): Router {
  const r = Router()
  r.post('/api/v1/exports', requireRole(...ANALYTICS_ROLES), express.json({ limit: '8kb' }), async (req, res) => {
    const body = ExportRecord.safeParse(req.body)
    if (!body.success) throw badRequestFromZod(body.error, 'body')
    const { what, format, view, rows } = body.data
    // Committed before the answer: the page saves the file only after a 201, so no export goes unrecorded.
    res.locals.audited = true
    await auditOf(req).append({
      actor: req.principal!.username, actorIp: req.ip ?? null, action: 'export', targetType: what, targetId: format, detail: { view, rows },
    })
    res.status(201).json({ recorded: true })
  })
  return r
}
