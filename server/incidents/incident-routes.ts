import express, { Router, type ErrorRequestHandler } from 'express'
import { z } from 'zod'
import type { Queryable } from '../db/db.ts'
import { badRequestFromZod, HttpError } from '../http/http-error.ts'
import { Bbox } from '../http/bbox.ts'
import { documentRoute } from '../http/api-docs.ts'
import { OPERATIONS, principalOf, requireRole, type Role } from '../auth/principal.ts'
import { ParseError } from '../../geo/ingest/parse-error.ts'
import {
  fromIncidentEntry,
  incidentEntrySchema,
  incidentFeatureSchema,
  INCIDENT_STATES,
} from '../../geo/ingest/incident-report.ts'
import type { IncidentIntake } from './incident-intake.ts'
import { findIncident, listIncidents, UnknownCategoryError } from './incident-store.ts'

export const MAX_PAGE = 1000

/** Who enters incidents: the centre's desk and the grid workers on the street. */
export const INCIDENT_WRITERS: readonly Role[] = ['admin', 'supervisor', 'dispatcher', 'grid_worker']

const IncidentsQuery = z.object({
  since: z.iso.datetime({ offset: true }).optional().describe('reported at or after (ISO 8601 with zone)'),
  state: z
    .string()
    .transform((s) => s.split(','))
    .pipe(z.array(z.enum(INCIDENT_STATES)))
    .optional()
    .describe('comma-separated states'),
  bbox: Bbox.optional(),
  area: z.string().regex(/^\d+$/, 'expected an area code').optional().describe('area code: incidents in grids under it'),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE).default(100),
  cursor: z.string().regex(/^\d{1,15}$/, 'expected the next value of a previous page').optional(),
})

const IncidentId = z.object({ id: z.string().regex(/^\d{1,15}$/, 'expected a numeric incident id').transform(Number) })

const IncidentPage = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(incidentFeatureSchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  next: z.string().nullable(),
})

documentRoute({
  method: 'post',
  path: '/api/v1/incidents',
  summary: 'Enter an incident (operator). Idempotency-Key header: the same key again answers 200 with the incident it made.',
  tags: ['incidents'],
  body: incidentEntrySchema,
  response: incidentFeatureSchema,
  errors: [400, 401, 403, 415],
  roles: INCIDENT_WRITERS,
})
documentRoute({
  method: 'get',
  path: '/api/v1/incidents',
  summary: 'Incidents as GeoJSON, in id order, paged with cursor (reporter contact details are never included)',
  tags: ['incidents'],
  query: IncidentsQuery,
  response: IncidentPage,
  roles: OPERATIONS,
})
documentRoute({
  method: 'get',
  path: '/api/v1/incidents/{id}',
  summary: 'One incident as a GeoJSON feature',
  tags: ['incidents'],
  response: incidentFeatureSchema,
  errors: [400, 401, 403, 404],
  roles: OPERATIONS,
})

/** Operator entry and reads of incidents. Parses its own JSON body, so it can be mounted anywhere. */
export function incidentRouter(db: Queryable, intake: IncidentIntake): Router {
  const r = Router()

  r.post('/api/v1/incidents', requireRole(...INCIDENT_WRITERS), express.json({ limit: '64kb' }), async (req, res) => {
    if (!req.is('application/json')) throw new HttpError(415, 'unsupported_media_type', 'send the incident as application/json')
    const report = fromIncidentEntry(req.body, { idempotencyKey: req.get('Idempotency-Key') ?? null, now: new Date() })
    const principal = principalOf(req)
    const { incident, created } = await intake.submit(report, { channel: 'api', actor: principal.username, jurisdiction: principal })
    res.status(created ? 201 : 200).location(`/api/v1/incidents/${incident.id}`).json(incident)
  })

  r.get('/api/v1/incidents', requireRole(...OPERATIONS), async (req, res) => {
    const q = IncidentsQuery.safeParse(req.query)
    if (!q.success) throw badRequestFromZod(q.error, 'query')
    const { since, state, bbox, area, limit, cursor } = q.data
    const page = await listIncidents(db, {
      since: since ? new Date(since) : undefined,
      states: state,
      bbox,
      area,
      afterId: cursor === undefined ? undefined : Number(cursor),
      limit,
      principal: principalOf(req),
    })
    res.json({ type: 'FeatureCollection', features: page.features, next: page.next === null ? null : String(page.next) })
  })

  r.get('/api/v1/incidents/:id', requireRole(...OPERATIONS), async (req, res) => {
    const p = IncidentId.safeParse(req.params)
    if (!p.success) throw badRequestFromZod(p.error, 'params')
    const incident = await findIncident(db, p.data.id, principalOf(req))
    if (!incident) throw new HttpError(404, 'not_found', `no incident ${p.data.id}`)
    res.json(incident)
  })

  r.use('/api/v1/incidents', incidentErrors)
  return r
}

/** A report that cannot become an incident: 400 with the path of each problem, as in the request. */
const incidentErrors: ErrorRequestHandler = (err, _req, _res, next) => {
  if (err instanceof ParseError) {
    const path = (p: string) => (p === 'idempotencyKey' ? 'headers.idempotency-key' : p ? `body.${p}` : 'body')
    next(new HttpError(400, 'invalid_incident', 'invalid incident', err.problems.map((p) => ({ path: path(p.path), message: p.message }))))
    return
  }
  if (err instanceof UnknownCategoryError) {
    next(new HttpError(400, 'invalid_incident', 'invalid incident', [{ path: 'body.categoryCode', message: err.message }]))
    return
  }
  next(err)
}
