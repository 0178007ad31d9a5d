import { Router } from 'express'
import { z } from 'zod'
import type { Queryable } from '../db/db.ts'
import { badRequestFromZod } from './http-error.ts'
import { Bbox } from './bbox.ts'
import { documentRoute } from './api-docs.ts'
import { OPERATIONS, principalOf, requireRole } from '../auth/principal.ts'
import { areaOutlineScope } from '../auth/area-scope.ts'

const GridQuery = z.object({
  level: z.enum(['city', 'district', 'street', 'community', 'grid']).default('grid'),
  bbox: Bbox.optional(),
})

documentRoute({ method: 'get', path: '/api/v1/grids', summary: 'Areas of one level as GeoJSON', tags: ['areas'], query: GridQuery, roles: OPERATIONS })

/**
 * Administrative areas as a GeoJSON FeatureCollection, built in SQL so large layers don't round-trip as rows:
 * those under the caller's jurisdiction and the outlines of the areas it lies in.
 */
export function gridRouter(db: Queryable): Router {
  const r = Router()
  r.get('/api/v1/grids', requireRole(...OPERATIONS), async (req, res) => {
    const q = GridQuery.safeParse(req.query)
    if (!q.success) throw badRequestFromZod(q.error, 'query')
    const { level, bbox } = q.data
    const params: unknown[] = [level, ...(bbox ?? [null, null, null, null])]
    const scope = areaOutlineScope(principalOf(req), 'code', params)
    const result = await db.query<{ fc: unknown }>(
      `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
         'type', 'Feature', 'id', code,
         'properties', json_build_object('code', code, 'level', level, 'parentCode', parent_code, 'name', name,
           'nameEn', name_en, 'orgCode', org_code, 'households', households, 'population', population,
           'areaKm2', area_km2),
         'geometry', ST_AsGeoJSON(geom, 6)::json) ORDER BY code), '[]'::json)) AS fc
       FROM admin_area
       WHERE level = $1 AND ($2::float8 IS NULL OR geom && ST_MakeEnvelope($2, $3, $4, $5, 4326)) AND ${scope}`,
      params,
    )
    res.json(result.rows[0].fc)
  })
  return r
}
