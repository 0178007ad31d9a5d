import express, { Router, type ErrorRequestHandler, type Request } from 'express'
import { z } from 'zod'
import { ALERT_SEVERITIES, alertAttributesSchema } from '../../geo/ingest/camera-alert.ts'
import { cameraWebhookSchema, checkJpeg, MAX_SNAPSHOT_BYTES, parseCameraWebhook } from '../../geo/ingest/parse-camera-webhook.ts'
import { ParseError } from '../../geo/ingest/parse-error.ts'
import type { Queryable } from '../db/db.ts'
import { documentRoute } from '../http/api-docs.ts'
import { Bbox } from '../http/bbox.ts'
import { badRequestFromZod, HttpError } from '../http/http-error.ts'
import { FEEDS, type FeedHealth } from '../ingest/feed-health.ts'
import { alertById, listAlerts, listCameras, type AlertRow } from './alert-queries.ts'
import type { AlertIngest } from './alert-store.ts'
import type { SnapshotFiles } from './snapshot-files.ts'
import { MAX_SKEW_S, NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from './webhook-signature.ts'
import { OPERATIONS, principalOf, requireRole } from '../auth/principal.ts'

export interface AlertRoutesDeps {
  db: Queryable
  ingest: AlertIngest
  snapshots: SnapshotFiles
  /** WEBHOOK_SECRET; without it the webhook answers 503 rather than take unsigned alerts. */
  webhookSecret?: string
  feeds?: FeedHealth
}

/** A 2 MiB JPEG base64-encoded in JSON, or uploaded in a form, plus the alert's fields. */
const WEBHOOK_BODY_LIMIT = Math.ceil((MAX_SNAPSHOT_BYTES * 4) / 3) + 64 * 1024

const Area = z.string().regex(/^\d+$/, 'expected an area code').describe('only what lies under this area code')
const CamerasQuery = z.object({ bbox: Bbox.optional(), area: Area.optional() })
const AlertsQuery = z.object({
  since: z.iso.datetime({ offset: true }).optional().describe('stored at or after this time (default: 24 hours ago)'),
  bbox: Bbox.optional(),
  area: Area.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  cursor: z.string().regex(/^\d{1,18}$/, 'expected the cursor of a previous page').optional().describe("the previous page's nextCursor"),
})

const point = z.object({ type: z.literal('Point'), coordinates: z.tuple([z.number(), z.number()]) }).nullable()
const alertProperties = z.object({
  id: z.number(), source: z.string(), sourceId: z.string(), cameraId: z.string(), type: z.string(),
  score: z.number().nullable(), severity: z.enum(ALERT_SEVERITIES).nullable(), startedAt: z.string(), endedAt: z.string().nullable(),
  serverTime: z.string(), state: z.enum(['new', 'acknowledged', 'filed', 'dismissed']), snapshotUrl: z.string().nullable(),
  clipUrl: z.string().nullable(), attributes: alertAttributesSchema, gridCode: z.string().nullable(),
})
const AlertPage = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(z.object({ type: z.literal('Feature'), id: z.number(), geometry: point, properties: alertProperties })),
  nextCursor: z.string().nullable(),
  next: z.string().nullable().describe('the URL of the next page, if there may be one'),
})
const WebhookAnswer = z.object({ id: z.number().nullable(), outcome: z.enum(['created', 'updated', 'unchanged', 'ignored']) })

documentRoute({
  method: 'get', path: '/api/v1/cameras', summary: 'Cameras as GeoJSON (stream URLs are not listed)', tags: ['cameras'], query: CamerasQuery,
  roles: OPERATIONS,
})
documentRoute({
  method: 'get', path: '/api/v1/camera-alerts', summary: 'Camera alerts stored since a time, in pages, as GeoJSON',
  tags: ['cameras'], query: AlertsQuery, response: AlertPage, roles: OPERATIONS,
})
documentRoute({
  method: 'post', path: '/api/v1/camera-alerts',
  summary: `Camera alert from an NVR or AI box. Signed: ${TIMESTAMP_HEADER}: <Unix seconds, within ${MAX_SKEW_S} s>, ` +
    `${NONCE_HEADER}: <8-128 characters [A-Za-z0-9_-], new for every delivery>, ${SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of ` +
    '"<timestamp>.<nonce>.<raw body>" with WEBHOOK_SECRET>; a nonce seen before answers 409. JSON as below, or multipart/form-data with the same fields as text parts and the JPEG as the file part ' +
    `"snapshot" (at most ${MAX_SNAPSHOT_BYTES} bytes). The same id (or camera, type and time) again updates the same alert. ` +
    'Answers 201 when it opened an alert. Alerts are never dispatched automatically.',
  tags: ['cameras'], body: cameraWebhookSchema, response: WebhookAnswer, errors: [400, 401, 409, 413, 415, 503], access: 'signature',
})
documentRoute({
  method: 'get', path: '/api/v1/camera-alerts/{id}/snapshot.jpg', summary: 'The JPEG uploaded with a webhook alert',
  tags: ['cameras'], errors: [401, 403, 404], roles: OPERATIONS,
})

const toFeature = ({ lon, lat, ...p }: AlertRow) => ({
  type: 'Feature' as const,
  id: p.id,
  geometry: lon === null || lat === null ? null : { type: 'Point' as const, coordinates: [lon, lat] },
  properties: p,
})

/**
 * Cameras and camera alerts over HTTP: the signed webhook for NVRs and AI boxes, the paged alert list, the
 * camera layer and uploaded snapshots. Mount it before any app-wide body parser: the webhook signature is
 * checked over the raw body. The reads are scoped to the caller's jurisdiction in their SQL.
 */
export function alertRouter({ db, ingest, snapshots, webhookSecret, feeds }: AlertRoutesDeps): Router {
  const r = Router()
  feeds?.register(FEEDS.cameraWebhook)

  r.post('/api/v1/camera-alerts', express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res) => {
    if (!webhookSecret) throw new HttpError(503, 'webhook_disabled', 'the camera-alert webhook is off: set WEBHOOK_SECRET')
    if (req.body !== undefined && !Buffer.isBuffer(req.body)) {
      throw new Error('camera-alert webhook mounted after a body parser: the signature needs the raw body')
    }
    const raw: Buffer = req.body ?? Buffer.alloc(0)
    const nonce = req.get(NONCE_HEADER)
    const check = verifySignature(webhookSecret, raw, { signature: req.get(SIGNATURE_HEADER), timestamp: req.get(TIMESTAMP_HEADER), nonce })
    if (check === 'bad_signature') {
      throw new HttpError(401, 'invalid_signature', `missing or wrong ${SIGNATURE_HEADER}, ${TIMESTAMP_HEADER} or ${NONCE_HEADER}: ` +
        'expected sha256=<hex HMAC-SHA256 of "<timestamp>.<nonce>.<raw body>">')
    }
    if (check === 'stale') throw new HttpError(401, 'stale_signature', `${TIMESTAMP_HEADER} is more than ${MAX_SKEW_S} s from the server's clock`)
    const fresh = await db.query('INSERT INTO webhook_replay (nonce, seen_at) VALUES ($1, now()) ON CONFLICT DO NOTHING', [nonce])
    if (fresh.affectedRows !== 1) throw new HttpError(409, 'replayed', `this ${NONCE_HEADER} was used before: a delivery is taken once`)
    const { fields, upload } = await readWebhookBody(req, raw)
    const parsed = parseCameraWebhook(fields)
    const result = await ingest.submit(parsed.alert, upload ?? parsed.snapshot)
    feeds?.record(FEEDS.cameraWebhook, 'ok')
    const id = result.alert?.id ?? null
    if (result.outcome === 'created' && id !== null) res.status(201).location(`/api/v1/camera-alerts/${id}`)
    res.json({ id, outcome: result.outcome })
  })

  r.get('/api/v1/camera-alerts', requireRole(...OPERATIONS), async (req, res) => {
    const q = AlertsQuery.safeParse(req.query)
    if (!q.success) throw badRequestFromZod(q.error, 'query')
    const since = q.data.since ? new Date(q.data.since) : new Date(Date.now() - 86_400_000)
    const page = await listAlerts(db, {
      since, bbox: q.data.bbox, area: q.data.area, limit: q.data.limit, after: q.data.cursor ? Number(q.data.cursor) : undefined,
      principal: principalOf(req),
    })
    let next: string | null = null
    if (page.next !== null) {
      const params = new URLSearchParams(req.query as Record<string, string>)
      params.set('since', since.toISOString())
      params.set('cursor', String(page.next))
      next = `${req.baseUrl}${req.path}?${params}`
    }
    res.json({ type: 'FeatureCollection', features: page.rows.map(toFeature), nextCursor: page.next === null ? null : String(page.next), next })
  })

  r.get('/api/v1/camera-alerts/:id/snapshot.jpg', requireRole(...OPERATIONS), async (req, res) => {
    const id = /^\d{1,15}$/.test(String(req.params.id)) ? Number(req.params.id) : null
    const alert = id === null ? null : await alertById(db, id, principalOf(req))
    const jpeg = alert ? await snapshots.read(alert.id) : null
    if (!jpeg) throw new HttpError(404, 'not_found', 'no snapshot stored for this alert')
    res.set({ 'Content-Type': 'image/jpeg', 'Cache-Control': 'private, max-age=300', 'X-Content-Type-Options': 'nosniff' }).send(jpeg)
  })

  r.get('/api/v1/cameras', requireRole(...OPERATIONS), async (req, res) => {
    const q = CamerasQuery.safeParse(req.query)
    if (!q.success) throw badRequestFromZod(q.error, 'query')
    const rows = await listCameras(db, { ...q.data, principal: principalOf(req) })
    res.json({
      type: 'FeatureCollection',
      features: rows.map(({ lon, lat, ...p }) => ({ type: 'Feature', id: p.id, geometry: { type: 'Point', coordinates: [lon, lat] }, properties: p })),
    })
  })

  // Refusals of the webhook (bad signature, body or fields, too large) count against its feed.
  const alertErrors: ErrorRequestHandler = (err, req, _res, next) => {
    const e = err instanceof ParseError ? new HttpError(400, 'invalid_alert', err.message, err.problems) : err
    const status = e instanceof HttpError ? e.status : typeof e?.status === 'number' ? e.status : 500
    if (req.method === 'POST' && req.path === '/api/v1/camera-alerts' && status >= 400 && status < 500 && status !== 404) {
      feeds?.record(FEEDS.cameraWebhook, 'rejected', (e as Error).message)
    }
    next(e)
  }
  r.use(alertErrors)
  return r
}

/** The fields of a JSON or multipart body, and a multipart form's uploaded JPEG. */
async function readWebhookBody(req: Request, raw: Buffer): Promise<{ fields: unknown; upload: Uint8Array | null }> {
  if (req.is('application/json')) {
    try {
      return { fields: JSON.parse(raw.toString('utf8')), upload: null }
    } catch (err) {
      throw new HttpError(400, 'malformed_body', `malformed JSON: ${(err as Error).message}`)
    }
  }
  if (req.is('multipart/form-data')) {
    let form: FormData
    try {
      form = await new Response(new Uint8Array(raw), { headers: { 'content-type': req.get('content-type')! } }).formData()
    } catch (err) {
      throw new HttpError(400, 'malformed_body', `malformed multipart body: ${(err as Error).message}`)
    }
    const fields: Record<string, string> = {}
    let upload: Uint8Array | null = null
    for (const [name, value] of form) {
      if (typeof value === 'string') fields[name] = value
      else if (name === 'snapshot') {
        if (value.size > MAX_SNAPSHOT_BYTES) throw new HttpError(413, 'payload_too_large', `snapshot is ${value.size} bytes; at most ${MAX_SNAPSHOT_BYTES}`)
        upload = new Uint8Array(await value.arrayBuffer())
        const problem = checkJpeg(upload)
        if (problem) throw new ParseError([{ path: 'snapshot', message: problem }])
      }
    }
    return { fields, upload }
  }
  throw new HttpError(415, 'unsupported_media_type', 'send application/json or multipart/form-data')
}
