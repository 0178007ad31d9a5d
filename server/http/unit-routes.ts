import { Router } from 'express'
import { z } from 'zod'
import type { Queryable } from '../db/db.ts'
import { unitsWithPositions } from '../store/unit-queries.ts'
import { unitTrack } from '../store/unit-track.ts'
import { badRequestFromZod, HttpError } from './http-error.ts'
import { Bbox } from './bbox.ts'
import { documentRoute } from './api-docs.ts'
import { OPERATIONS, principalOf, requireRole, type Role } from '../auth/principal.ts'
import { audited } from '../audit/audit-http.ts'

const UnitsQuery = z.object({
  bbox: Bbox.optional(),
  area: z.string().regex(/^\d+$/, 'an area code (digits)').optional(),
})

const MAX_TRACK_HOURS = 24
const TrackQuery = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    /** Filtered fixes (jitter, teleports...) are left out unless asked for. */
    all: z.enum(['true', 'false']).default('false'),
  })
  .transform((q) => {
    const to = q.to ? new Date(q.to) : new Date()
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - 3_600_000)
    return { from, to, all: q.all === 'true' }
  })
  .refine((q) => q.from < q.to, { message: 'from must be before to', path: ['from'] })
  .refine((q) => q.to.getTime() - q.from.getTime() <= MAX_TRACK_HOURS * 3_600_000, {
    message: `at most ${MAX_TRACK_HOURS} hours per request`,
    path: ['to'],
  })

/** Personnel tracks are a restricted layer: these roles, and only with an explicit `tracks` layer grant. */
const TRACK_ROLES: readonly Role[] = ['admin', 'supervisor', 'dispatcher']

documentRoute({
  method: 'get', path: '/api/v1/units', summary: 'Units with their latest position (GeoJSON), within your jurisdiction', tags: ['units'],
  query: UnitsQuery, roles: OPERATIONS,
})
documentRoute({
  method: 'get', path: '/api/v1/units/{id}/track',
  summary: "A unit's fixes in a time window (default the last hour, at most 24 h). Restricted: needs the `tracks` layer grant; every view is audited",
  tags: ['units'], query: TrackQuery, errors: [400, 401, 403, 404], roles: TRACK_ROLES,
})

/** Units with their latest position as GeoJSON; a unit that has not reported yet has a null geometry. */
export function unitRouter(db: Queryable, cityCode: () => string): Router {
  const r = Router()
  r.get('/api/v1/units', requireRole(...OPERATIONS), async (req, res) => {
    const q = UnitsQuery.safeParse(req.query)
    if (!q.success) throw badRequestFromZod(q.error, 'query')
    const now = Date.now()
    const rows = await unitsWithPositions(db, q.data.area ?? cityCode(), q.data.bbox, principalOf(req))
    res.json({
      type: 'FeatureCollection',
      features: rows.map(({ lon, lat, ...p }) => ({
        type: 'Feature',
        id: p.id,
        geometry: lon === null || lat === null ? null : { type: 'Point', coordinates: [lon, lat] },
        properties: { ...p, fixAgeS: p.deviceTime ? Math.round((now - Date.parse(p.deviceTime)) / 1000) : null },
      })),
    })
  })

  const trackViewed = audited('track.view', (req) => ({ type: 'unit', id: String(req.params.id) }))
  r.get('/api/v1/units/:id/track', requireRole(...TRACK_ROLES), trackViewed, async (req, res) => {
    const principal = principalOf(req)
    if (!principal.layers.has('tracks')) throw new HttpError(403, 'forbidden', 'personnel tracks need the "tracks" layer grant')
    const q = TrackQuery.safeParse(req.query)
    if (!q.success) throw badRequestFromZod(q.error, 'query')
    const unitId = String(req.params.id)
    const track = await unitTrack(db, unitId, q.data.from, q.data.to, q.data.all, principal)
    if (!track) throw new HttpError(404, 'not_found', `no unit "${unitId}"`)
    res.json(track)
  })
  return r
}
