import { Router } from 'express'
import { z } from 'zod'
import type { Queryable } from '../db/db.ts'
import { unitsWithPositions } from '../store/unit-queries.ts'
import { badRequestFromZod } from './http-error.ts'
import { Bbox } from './bbox.ts'

const UnitsQuery = z.object({ bbox: Bbox.optional(), area: z.string().regex(/^\d+$/).optional() })

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
  return r
}
