import express, { Router } from 'express'
import { z } from 'zod'
import { osmandWireSchema, parseOsmand } from '../../geo/ingest/parse-osmand.ts'
import { ownTracksLocation, parseOwnTracks } from '../../geo/ingest/parse-owntracks.ts'
import { bulkPositionSchema, MAX_BULK_POSITIONS, parseBulkPositions } from '../../geo/ingest/parse-bulk.ts'
import { documentRoute } from '../http/api-docs.ts'
import type { PositionPipeline } from './position-pipeline.ts'
import { ingestErrors } from './ingest-errors.ts'
import { coalescePositions } from './coalesced-positions.ts'
import type { FeedHealth } from './feed-health.ts'
import { HttpError } from '../http/http-error.ts'
import { basicCredentials, type DeviceKeys } from '../auth/device-keys.ts'
import { requireRole, type Role } from '../auth/principal.ts'

/** Gateways post positions in bulk with a bearer token; an admin may too (imports, repairs). */
const BULK_ROLES: readonly Role[] = ['admin', 'gateway']
const DEVICE_KEY_HELP = 'send the device key: HTTP Basic (user = device id, password = key) or the key parameter'

const BulkResult = z.object({ received: z.number().int(), accepted: z.number().int() })
const INGEST_ERRORS = [400, 413, 503]
for (const method of ['get', 'post'] as const) {
  documentRoute({
    method, path: '/ingest/osmand',
    summary: 'A position in the OsmAnd protocol (Traccar Client, OsmAnd). Device key: the `key` parameter, or HTTP Basic with the device id as user',
    tags: ['ingest'],
    ...(method === 'get' ? { query: osmandWireSchema } : { body: osmandWireSchema, bodyType: 'application/x-www-form-urlencoded' as const }),
    errors: [...INGEST_ERRORS, 401], access: 'device-key',
  })
}
documentRoute({
  method: 'post', path: '/ingest/owntracks', summary: 'An OwnTracks message in HTTP mode; HTTP Basic with the device key as password', tags: ['ingest'],
  body: ownTracksLocation, errors: [...INGEST_ERRORS, 401], access: 'device-key',
})
documentRoute({
  method: 'post', path: '/api/v1/positions', summary: `Up to ${MAX_BULK_POSITIONS} positions, all or nothing (gateway token)`, tags: ['ingest'],
  body: z.array(bulkPositionSchema).max(MAX_BULK_POSITIONS), response: BulkResult, errors: [...INGEST_ERRORS, 401, 403], roles: BULK_ROLES,
})

/**
 * Position ingest over HTTP: the OsmAnd protocol (Traccar Client, OsmAnd), OwnTracks in HTTP mode, and our
 * bulk JSON for gateways. Each answers 2xx only after the fixes are committed. Phones prove who they are with
 * their device key, gateways with a bearer token.
 */
export function ingestRouter(pipeline: PositionPipeline, keys: DeviceKeys, feeds?: FeedHealth): Router {
  const r = Router()
  // Each HTTP feed's freshness and rejections, counted when the answer goes out.
  const feedOf: Record<string, string> = { '/ingest/osmand': 'osmand-http', '/ingest/owntracks': 'owntracks-http', '/api/v1/positions': 'positions-bulk' }
  for (const feed of Object.values(feedOf)) feeds?.register(feed)
  r.use(Object.keys(feedOf), (req, res, next) => {
    res.on('finish', () => {
      const feed = feedOf[req.originalUrl.split('?')[0]]
      // A 5xx is our trouble, not the sender's: it says nothing about the feed.
      if (feed && res.statusCode < 500) feeds?.record(feed, res.statusCode < 300 ? 'ok' : 'rejected', res.statusCode < 300 ? undefined : `HTTP ${res.statusCode}`)
    })
    next()
  })
  const form = express.urlencoded({ extended: false, limit: '16kb' })
  // Phones send one fix per request; requests that arrive together share a submission.
  const oneFix = coalescePositions(pipeline)

  // Traccar Client and OsmAnd send the fix as the query string (GET or POST) or, in newer versions, a form body.
  r.all('/ingest/osmand', form, async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.setHeader('Allow', 'GET, POST').status(405).json({ error: { code: 'method_not_allowed', message: 'use GET or POST' } })
      return
    }
    const { key, ...params } = { ...(req.query as Record<string, unknown>), ...((req.body as Record<string, unknown> | undefined) ?? {}) }
    const basic = basicCredentials(req.get('Authorization'))
    const presented = typeof key === 'string' ? key : basic?.password
    if (!presented) throw new HttpError(401, 'invalid_device_key', DEVICE_KEY_HELP)
    const fix = parseOsmand(basic && params.id === undefined && params.deviceid === undefined ? { ...params, id: basic.user } : params)
    if ((basic && typeof key !== 'string' && basic.user !== fix.deviceId) || !(await keys.verify(fix.deviceId, presented))) {
      throw new HttpError(401, 'invalid_device_key', `wrong key for device "${fix.deviceId}": ${DEVICE_KEY_HELP}`)
    }
    await oneFix.submit([fix])
    res.status(200).end()
  })

  r.post('/ingest/owntracks', express.json({ limit: '64kb' }), async (req, res) => {
    // OwnTracks sends its Username and Password settings as HTTP Basic: the password is the device key.
    const basic = basicCredentials(req.get('Authorization'))
    if (!basic) throw new HttpError(401, 'invalid_device_key', 'send the device key as the OwnTracks password (HTTP Basic)')
    const body = req.body as { _type?: unknown; topic?: unknown }
    // The app also posts waypoints, transitions and status; they are not positions and have no place here yet.
    if (body?._type !== 'location') {
      res.status(200).json([])
      return
    }
    const user = req.get('X-Limit-U')
    const device = req.get('X-Limit-D')
    const topic = typeof body.topic === 'string' ? body.topic : user && device ? `owntracks/${user}/${device}` : undefined
    const fix = parseOwnTracks(body, topic)
    if (!(await keys.verify(fix.deviceId, basic.password))) {
      throw new HttpError(401, 'invalid_device_key', `wrong key for device "${fix.deviceId}": the OwnTracks password is the device key`)
    }
    await oneFix.submit([fix])
    // OwnTracks reads the response as a list of messages for the phone; none.
    res.status(200).json([])
  })

  // 10,000 positions of ~150 bytes each.
  r.post('/api/v1/positions', requireRole(...BULK_ROLES), express.json({ limit: '4mb' }), async (req, res) => {
    const result = await pipeline.submit(parseBulkPositions(req.body))
    res.status(200).json(result)
  })

  r.use(ingestErrors)
  return r
}
