import { Router } from 'express'
import { z } from 'zod'
import type { Queryable } from '../db/db.ts'
import { areaScope } from '../auth/area-scope.ts'
import { principalOf, requireRole, type Role } from '../auth/principal.ts'
import { badRequestFromZod, HttpError } from '../http/http-error.ts'
import { documentRoute } from '../http/api-docs.ts'
import { REASON_CODES } from '../../geo/dispatch/reasons.ts'
import { lineString, type RoadRouter } from '../../geo/routing/road-router.ts'
import { recommendUnits } from './recommend.ts'

export interface DispatchOptions {
  /** A fix older than this is stale (default 300 s); a request may ask for another threshold. */
  staleAfterS?: number
  /** Units farther than this in a straight line are outside the search radius (default 5 km). */
  radiusM?: number
}

export const DEFAULT_STALE_AFTER_S = 300
export const DEFAULT_RADIUS_M = 5000
const MAX_UNITS = 20

const ROUTE_ROLES: readonly Role[] = ['dispatcher', 'supervisor', 'admin', 'analyst']
const RECOMMEND_ROLES: readonly Role[] = ['dispatcher', 'supervisor', 'admin']

const decimal = /^\s*-?\d+(\.\d+)?\s*$/
const lonLat = z
  .string()
  .regex(/^\s*-?\d+(\.\d+)?\s*,\s*-?\d+(\.\d+)?\s*$/, 'expected LON,LAT in degrees')
  .transform((s) => s.split(',').map(Number))
  .pipe(z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]))
const degrees = (limit: number) => z.string().regex(decimal, 'expected a number in degrees').transform(Number).pipe(z.number().min(-limit).max(limit))

const RouteQuery = z.object({ from: lonLat.describe('LON,LAT'), to: lonLat.describe('LON,LAT') })
const LineString = z.object({ type: z.literal('LineString'), coordinates: z.array(z.tuple([z.number(), z.number()])) })
const RouteResponse = z.object({ seconds: z.number(), meters: z.number(), geometry: LineString })

const RecommendQuery = z
  .object({
    lat: degrees(90).optional().describe('degrees; with lon, unless case is given'),
    lon: degrees(180).optional().describe('degrees; with lat, unless case is given'),
    case: z.string().regex(/^\d{1,15}$/, 'expected a numeric case id').transform(Number).optional().describe('read the point and grid from this case'),
    n: z.string().regex(/^\d+$/, 'expected a whole number').transform(Number).pipe(z.number().int().min(1).max(MAX_UNITS)).optional().describe(`units wanted, 1 to ${MAX_UNITS}; default 5`),
    radius: z.string().regex(decimal, 'expected metres').transform(Number).pipe(z.number().min(100).max(100_000)).optional().describe('metres; default 5000'),
    staleAfter: z.string().regex(/^\d+$/, 'expected seconds').transform(Number).pipe(z.number().int().min(10).max(86_400)).optional().describe('seconds; default 300'),
  })
  .superRefine((q, ctx) => {
    const point = q.lat !== undefined || q.lon !== undefined
    if (q.case !== undefined && point) ctx.addIssue({ code: 'custom', path: ['case'], message: 'give either case or lat and lon, not both' })
    if (q.case === undefined && q.lat === undefined) ctx.addIssue({ code: 'custom', path: ['lat'], message: 'required unless case is given' })
    if (q.case === undefined && q.lon === undefined) ctx.addIssue({ code: 'custom', path: ['lon'], message: 'required unless case is given' })
  })
const Reason = z.object({ code: z.enum(REASON_CODES), zh: z.string(), en: z.string(), fixAgeS: z.number().optional(), radiusM: z.number().optional() })
/*
 * The answer is the ranked list itself, as the issue specifies. Units that made the shortlist but have no way by
 * road (or no road near them or the incident) are not dropped: they stay in the list, after every unit with a road
 * time in their tier, with `etaSeconds: null` and the `no_road_route` reason, because that is where the ranking
 * already puts them and a dispatcher is better served by a flagged unit than by none. So an empty list means no
 * available unit with a position in the caller's area, and a list without any road time means none is reachable
 * by road. What the old object carried besides (the incident's grid, the shortlist size) was for diagnosis only.
 */
const RecommendResponse = z.array(z.object({
  unitId: z.string(), callsign: z.string(), gridCode: z.string().nullable(), lon: z.number(), lat: z.number(),
  etaSeconds: z.number().nullable().describe('whole seconds by road; null without a road route'),
  meters: z.number().nullable(), straightMeters: z.number(), fixAgeS: z.number(),
  reasons: z.array(Reason), route: LineString.nullable().describe('from the unit to the incident'),
}))

documentRoute({
  method: 'get', path: '/api/v1/route', summary: 'Road travel time, distance and geometry between two points (one-way streets respected)',
  tags: ['dispatch'], query: RouteQuery, response: RouteResponse, errors: [400, 422, 503], roles: ROUTE_ROLES,
})
documentRoute({
  method: 'get', path: '/api/v1/dispatch/recommend',
  summary: 'Nearest available units by road ETA to a point or a case, best first: straight-line shortlist, then road times, ranked with reasons (units with no road route last, etaSeconds null)',
  tags: ['dispatch'], query: RecommendQuery, response: RecommendResponse, errors: [400, 404], roles: RECOMMEND_ROLES,
})

/** The road router on its own, and the nearest-unit recommendation built on it. */
export function dispatchRouter(db: Queryable, roads: () => RoadRouter | null, options: DispatchOptions = {}): Router {
  const r = Router()
  r.get('/api/v1/route', requireRole(...ROUTE_ROLES), (req, res) => {
    const q = RouteQuery.safeParse(req.query)
    if (!q.success) throw badRequestFromZod(q.error, 'query')
    const router = roads()
    if (!router) throw new HttpError(503, 'no_road_graph', 'no road graph is loaded')
    const ends = (['from', 'to'] as const).map((k) => ({ k, p: router.snap(...(q.data[k] as [number, number])) }))
    const off = ends.filter((e) => !e.p).map((e) => ({ path: `query.${e.k}`, message: 'no road within reach of this point' }))
    if (off.length) throw new HttpError(422, 'off_road_network', 'a point is too far from the road network', off)
    const leg = router.route(ends[0].p!, ends[1].p!)
    if (!leg) throw new HttpError(422, 'no_route', 'the road network has no way between these points')
    res.json({
      seconds: Math.round(leg.seconds * 10) / 10,
      meters: Math.round(leg.meters * 10) / 10,
      geometry: lineString(leg.geometry),
    })
  })

  r.get('/api/v1/dispatch/recommend', requireRole(...RECOMMEND_ROLES), async (req, res) => {
    const principal = principalOf(req)
    const q = RecommendQuery.safeParse(req.query)
    if (!q.success) throw badRequestFromZod(q.error, 'query')
    let point: { lon: number; lat: number; gridCode: string | null }
    if (q.data.case !== undefined) {
      const params: unknown[] = [q.data.case]
      const scope = areaScope(principal, 'grid_code', params)
      const found = await db.query<{ lon: number; lat: number; gridCode: string | null }>(
        `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat, grid_code AS "gridCode" FROM incident WHERE id = $1 AND ${scope}`,
        params,
      )
      // A case outside the asker's jurisdiction is as unknown to them as one that does not exist.
      if (!found.rows[0]) throw new HttpError(404, 'not_found', `no case ${q.data.case}`)
      point = found.rows[0]
    } else {
      point = { lon: q.data.lon!, lat: q.data.lat!, gridCode: null }
    }
    const { candidates } = await recommendUnits(db, roads(), {
      ...point,
      n: q.data.n ?? 5,
      radiusM: q.data.radius ?? options.radiusM ?? DEFAULT_RADIUS_M,
      staleAfterS: q.data.staleAfter ?? options.staleAfterS ?? DEFAULT_STALE_AFTER_S,
      principal,
    })
    res.json(candidates)
  })
  return r
}
