import { createHash } from 'node:crypto'
import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express'
import { z } from 'zod'
import type { Queryable } from '../db/db.ts'
import type { Logger } from '../logger.ts'
import { documentRoute } from '../http/api-docs.ts'
import { HttpError } from '../http/http-error.ts'
import { SlidingWindowLimit } from '../auth/rate-limit.ts'
import { ParseError, type FieldProblem } from '../../geo/ingest/parse-error.ts'
import {
  open311PostResponseSchema,
  open311PostSchema,
  open311RequestSchema,
  open311ServiceSchema,
  open311Status,
  parseOpen311Request,
  type Open311Error,
  type Open311Request,
  type Open311Source,
} from '../../geo/ingest/parse-open311.ts'
import type { IncidentFeature, IncidentState } from '../../geo/ingest/incident-report.ts'
import type { IncidentIntake } from './incident-intake.ts'
import { UnknownCategoryError } from './incident-store.ts'
import { negotiateLocale, type Locale } from './locale.ts'
import { open311Requests, open311Services, type Open311RequestRow } from './open311-queries.ts'

export const OPEN311_BASE = '/open311/v2'
/** Open311's default window and page: 90 days, 1000 requests. */
export const OPEN311_MAX_SPAN_DAYS = 90
export const OPEN311_MAX_REQUESTS = 1000
const DAY_MS = 86_400_000

/** The reporting app behind an api_key, and whose reports it carries. */
export interface Open311Client {
  /** A stable name for the client, recorded on the incident's first case event; null without a key. */
  id: string | null
  source: Open311Source
}

/**
 * Citizen intake is public, as GeoReport intends: a citizen has no account, and the api_key only names the
 * reporting app. Any key is accepted and recorded as a fingerprint (never the key itself), and every report counts
 * as a citizen's; it enters the closed loop as `reported`, so an operator reviews it before anything is filed.
 */
export function fingerprintClients(apiKey: string | null): Open311Client {
  return { id: apiKey ? `key-${createHash('sha256').update(apiKey).digest('hex').slice(0, 16)}` : null, source: 'citizen' }
}

export interface Open311Deps {
  db: Queryable
  intake: IncidentIntake
  log: Logger
  /** Who an api_key belongs to; defaults to fingerprintClients. */
  clients?: (apiKey: string | null) => Open311Client
  /** POSTs per client address per minute (OPEN311_POSTS_PER_MINUTE); past it, 429 with Retry-After. */
  postsPerMinute?: number
}

/** Far above one reporting app's pace (and the simulator's), low enough that one address cannot flood intake. */
export const OPEN311_POSTS_PER_MINUTE = 600

const LocaleParam = z.string().optional().describe('zh or en (default: Accept-Language, then zh)')
const ServicesQuery = z.object({ jurisdiction_id: z.string().optional(), locale: LocaleParam })
const RequestsQuery = z.object({
  jurisdiction_id: z.string().optional(),
  service_request_id: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(z.array(z.string().regex(/^\d{1,15}$/, 'expected comma-separated request ids')).max(OPEN311_MAX_REQUESTS))
    .optional()
    .describe('comma-separated; overrides every other filter'),
  service_code: z.string().transform((s) => s.split(',').map((x) => x.trim())).optional().describe('comma-separated'),
  start_date: z.iso.datetime({ offset: true }).optional(),
  end_date: z.iso.datetime({ offset: true }).optional(),
  status: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()))
    .pipe(z.array(z.enum(['open', 'closed'])))
    .optional()
    .describe('open, closed or both, comma-separated'),
  locale: LocaleParam,
})

documentRoute({
  method: 'get', path: `${OPEN311_BASE}/services.json`, summary: 'Open311: the category catalogue as services',
  tags: ['open311'], query: ServicesQuery, response: z.array(open311ServiceSchema), access: 'public',
})
documentRoute({
  method: 'post', path: `${OPEN311_BASE}/requests.json`,
  summary: 'Open311: report a problem (service_code = category code; lat/long required). Answers 200 with the new id.',
  tags: ['open311'], body: open311PostSchema, bodyType: 'application/x-www-form-urlencoded', response: open311PostResponseSchema,
  errors: [400, 429], access: 'public',
})
documentRoute({
  method: 'get', path: `${OPEN311_BASE}/requests.json`,
  summary: `Open311: citizens' and grid workers' requests, newest first, at most ${OPEN311_MAX_SPAN_DAYS} days and ${OPEN311_MAX_REQUESTS} requests`,
  tags: ['open311'], query: RequestsQuery, response: z.array(open311RequestSchema), access: 'public',
})
documentRoute({
  method: 'get', path: `${OPEN311_BASE}/requests/{id}.json`, summary: 'Open311: one request, as a list of one',
  tags: ['open311'], query: ServicesQuery, response: z.array(open311RequestSchema), errors: [400, 404], access: 'public',
})

const KIND_GROUP: Record<Locale, Record<'part' | 'event', string>> = {
  zh: { part: '部件', event: '事件' },
  en: { part: 'Parts (fixed objects)', event: 'Events' },
}

const STATE_NOTES: Record<Locale, Record<IncidentState, string>> = {
  zh: {
    reported: '已受理，待立案', pending_approval: '已立案，待审批', filed: '已立案，待派遣', dispatched: '已派遣至责任单位', handled: '已现场处置，待反馈',
    reported_back: '已反馈，待核查', verified: '已核查，问题已解决', closed: '已结案', voided: '已作废', rejected: '不予立案',
  },
  en: {
    reported: 'Received, awaiting filing', pending_approval: 'Filed, awaiting approval', filed: 'Filed, awaiting dispatch', dispatched: 'Sent to the responsible department',
    handled: 'Handled on site, result pending', reported_back: 'Result reported, awaiting verification on site', verified: 'Verified on site: resolved',
    closed: 'Closed', voided: 'Voided', rejected: 'Not accepted as a case',
  },
}

function receivedNotice(incident: IncidentFeature, locale: Locale): string {
  const p = incident.properties
  const minutes = p.deadlineAt ? Math.round((Date.parse(p.deadlineAt) - Date.parse(p.reportedAt)) / 60_000) : null
  if (locale === 'en') return `Received as request ${p.id}.${minutes === null ? '' : ` It will be reviewed and filed within ${minutes} minutes.`}`
  return `已受理，编号 ${p.id}。${minutes === null ? '' : `将在${minutes}分钟内审核立案。`}`
}

function toOpen311Request(row: Open311RequestRow, locale: Locale): Open311Request {
  const en = locale === 'en'
  return {
    service_request_id: String(row.id),
    status: open311Status(row.state),
    status_notes: STATE_NOTES[locale][row.state as IncidentState] ?? row.state,
    service_name: (en ? row.categoryNameEn : row.categoryName) ?? null,
    service_code: row.categoryCode,
    description: row.description,
    agency_responsible: (en ? row.agencyEn ?? row.agency : row.agency) ?? null,
    service_notice: null,
    requested_datetime: row.requestedAt,
    updated_datetime: row.updatedAt,
    expected_datetime: null,
    address: row.address,
    lat: row.lat,
    long: row.lon,
    media_url: row.mediaUrl,
  }
}

/** We serve JSON only; Open311's other format, XML, is refused in Open311's own error format. */
function requireJson(req: Request): void {
  const format = req.params.format as string | undefined
  if (format === 'json') return
  const resource = req.path.replace(/\.[^./]*$/, '').split('/').pop()
  const message =
    format === undefined ? `add the format: ${resource}.json`
    : format === 'xml' ? `XML is not supported: use ${resource}.json`
    : `format "${format}" is not supported: use ${resource}.json`
  throw new HttpError(400, 'unsupported_format', message)
}

/**
 * Open311 GeoReport v2, JSON only: `services`, `requests` (POST and GET) and `requests/{id}`. Every failure answers
 * in Open311's error format. Parses its own bodies (form or JSON), so mount it before the app's JSON parser.
 */
export function open311Router({ db, intake, log, clients = fingerprintClients, postsPerMinute = OPEN311_POSTS_PER_MINUTE }: Open311Deps): Router {
  const r = Router()
  const body = [express.urlencoded({ extended: false, limit: '64kb' }), express.json({ limit: '64kb' })]
  const posts = new SlidingWindowLimit(postsPerMinute, 60_000)
  // Counted before the body is read, so a flood costs no parsing.
  const limitPosts: RequestHandler = (req, res, next) => {
    const wait = posts.take(req.ip ?? 'unknown')
    if (!wait) return next()
    res.setHeader('Retry-After', String(wait))
    throw new HttpError(429, 'too_many_requests', `too many requests from this address; retry in ${wait} s`)
  }

  r.get(`${OPEN311_BASE}/services{.:format}`, async (req, res) => {
    requireJson(req)
    const q = ServicesQuery.safeParse(req.query)
    if (!q.success) throw ParseError.fromZod(q.error)
    const locale = negotiateLocale(q.data.locale, req.get('Accept-Language'))
    const services = await open311Services(db)
    res.json(
      services.map((s) => ({
        service_code: s.code,
        service_name: locale === 'en' ? s.nameEn : s.name,
        description: locale === 'en' ? s.nameEn : s.name,
        metadata: false,
        type: 'realtime' as const,
        // The other language's name, so a search in either finds the service.
        keywords: locale === 'en' ? s.name : s.nameEn,
        group: KIND_GROUP[locale][s.kind],
      })),
    )
  })

  r.post(`${OPEN311_BASE}/requests{.:format}`, limitPosts, ...body, async (req, res) => {
    requireJson(req)
    const params: Record<string, unknown> = { ...(req.query as Record<string, unknown>), ...((req.body as Record<string, unknown> | undefined) ?? {}) }
    const problems: FieldProblem[] = []
    const collect = <T>(fn: () => T): T | undefined => {
      try {
        return fn()
      } catch (err) {
        if (!(err instanceof ParseError)) throw err
        problems.push(...err.problems)
        return undefined
      }
    }
    const locale = collect(() => negotiateLocale(params.locale, req.get('Accept-Language')))
    const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null)
    const apiKey = text(params.api_key)
    const jurisdiction = text(params.jurisdiction_id)
    if (jurisdiction !== null && jurisdiction.length > 100) problems.push({ path: 'jurisdiction_id', message: 'at most 100 characters' })
    const client = clients(apiKey)
    // Open311 has no idempotency key: each POST is a new request.
    const report = collect(() => parseOpen311Request(params, { source: client.source, sourceId: null, now: new Date() }))
    if (problems.length || !report || !locale) throw new ParseError(problems)
    const { incident } = await intake.submit(report, {
      channel: 'open311',
      actor: client.id === null ? 'open311' : `open311:${client.id}`,
      attributes: { client: client.id, jurisdictionId: jurisdiction },
    })
    res.json([{ service_request_id: String(incident.id), service_notice: receivedNotice(incident, locale), account_id: null }])
  })

  r.get(`${OPEN311_BASE}/requests{.:format}`, async (req, res) => {
    requireJson(req)
    const q = RequestsQuery.safeParse(req.query)
    if (!q.success) throw ParseError.fromZod(q.error)
    const { service_request_id: ids, service_code: codes, status, start_date, end_date } = q.data
    const locale = negotiateLocale(q.data.locale, req.get('Accept-Language'))
    const end = end_date ? new Date(end_date) : start_date ? new Date(Date.parse(start_date) + OPEN311_MAX_SPAN_DAYS * DAY_MS) : new Date()
    const start = start_date ? new Date(start_date) : new Date(end.getTime() - OPEN311_MAX_SPAN_DAYS * DAY_MS)
    if (ids === undefined) {
      if (start > end) throw new ParseError([{ path: 'start_date', message: 'after end_date' }])
      if (end.getTime() - start.getTime() > OPEN311_MAX_SPAN_DAYS * DAY_MS) {
        throw new ParseError([{ path: 'end_date', message: `the span may not exceed ${OPEN311_MAX_SPAN_DAYS} days` }])
      }
    }
    const rows = await open311Requests(db, {
      ids: ids?.map(Number),
      serviceCodes: codes,
      // Both statuses is no filter.
      status: status && new Set(status).size === 1 ? status[0] : undefined,
      start,
      end,
      limit: OPEN311_MAX_REQUESTS,
    })
    res.json(rows.map((row) => toOpen311Request(row, locale)))
  })

  r.get(`${OPEN311_BASE}/requests/:id{.:format}`, async (req, res) => {
    requireJson(req)
    const q = ServicesQuery.safeParse(req.query)
    if (!q.success) throw ParseError.fromZod(q.error)
    const locale = negotiateLocale(q.data.locale, req.get('Accept-Language'))
    const id = req.params.id as string
    if (!/^\d{1,15}$/.test(id)) throw new ParseError([{ path: 'service_request_id', message: `expected a numeric request id, not "${id}"` }])
    const rows = await open311Requests(db, { ids: [Number(id)], start: new Date(0), end: new Date(), limit: 1 })
    if (rows.length === 0) throw new HttpError(404, 'not_found', `no service request ${id}`)
    res.json(rows.map((row) => toOpen311Request(row, locale)))
  })

  r.all(`${OPEN311_BASE}/*rest`, (req) => {
    throw new HttpError(404, 'not_found', `no Open311 resource for ${req.method} ${req.path}`)
  })

  r.use(OPEN311_BASE, open311Errors(log))
  return r
}

/** Open311's error body: `[{"code": 400, "description": "lat: required"}, ...]`, one entry per problem. */
function open311Errors(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const send = (status: number, problems: Array<Partial<FieldProblem> & { message: string }>) => {
      const body: Open311Error = problems.map((p) => ({ code: status, description: p.path ? `${p.path}: ${p.message}` : p.message }))
      res.status(status).json(body)
    }
    if (err instanceof ParseError) return send(400, err.problems)
    if (err instanceof UnknownCategoryError) {
      return send(400, [{ path: 'service_code', message: `unknown service ${err.code}: see services.json` }])
    }
    if (err instanceof HttpError) return send(err.status, err.details ?? [{ message: err.message }])
    // body-parser marks its own client errors (malformed JSON, too large) with a status.
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500
    if (status < 500) return send(status, [{ message: err.type === 'entity.parse.failed' ? 'malformed request body' : String(err.message) }])
    log.error({ err, path: req.path }, 'unhandled error')
    send(500, [{ message: 'internal error' }])
  }
}
