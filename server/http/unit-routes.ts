import { Router } from 'express'
import { z } from 'zod'
import type { Queryable } from '../db/db.ts'
import { unitsWithPositions } from '../store/unit-queries.ts'
import { unitTrack } from '../store/unit-track.ts'
import { badRequestFromZod, HttpError } from './http-error.ts'
import { Bbox } from './bbox.ts'
import { documentRoute } from './api-docs.ts'

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

documentRoute({ method: 'get', path: '/api/v1/units', summary: 'Units with their latest position (GeoJSON)', tags: ['units'], query: UnitsQuery })
documentRoute({
  method: 'get', path: '/api/v1/units/{id}/track', summary: "A unit's fixes in a time window (default the last hour, at most 24 h)",
  tags: ['units'], query: TrackQuery, errors: [400, 404],
})

/** Units with their latest position as GeoJSON; a unit that has not reported yet has a null geometry. */
export function unitRouter(db: Queryable, cityCode: () => string): Router {
  const r = Router()
  r.get('/api/v1/units', async (req, res) => {
    const q = UnitsQuery.safeParse(req.query)
    if (!q.success) throw badRequestFromZod(q.error, 'query')
    const now = Date.now()
    const rows = await unitsWithPositions(db, q.data.area ?? cityCode(), q.data.bbox)
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

  r.get('/api/v1/units/:id/track', async (req, res) => {
    const q = TrackQuery.safeParse(req.query)
    if (!q.success) throw badRequestFromZod(q.error, 'query')
    const track = await unitTrack(db, req.params.id, q.data.from, q.data.to, q.data.all)
    if (!track) throw new HttpError(404, 'not_found', `no unit "${req.params.id}"`)
    res.json(track)
  })
  return r
}
