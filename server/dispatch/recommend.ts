import type { Queryable } from '../db/db.ts'
import type { Principal } from '../auth/principal.ts'
import type { RoadRouter } from '../../geo/routing/road-router.ts'
import { rankCandidates, type Recommendation } from '../../geo/dispatch/rank-candidates.ts'
import { fallbackUnits, shortlistUnits } from './unit-shortlist.ts'
import type { ShortlistedUnit } from '../../geo/dispatch/rank-candidates.ts'

export interface RecommendRequest {
  lon: number
  lat: number
  /** The incident's grid when known (a case carries it); otherwise the grid containing the point. */
  gridCode?: string | null
  n: number
  radiusM: number
  staleAfterS: number
  principal: Principal
}

export interface RecommendResult {
  /** How many units got a road time (the shortlist), of which `candidates` are the best n (read by the benchmark). */
  shortlisted: number
  candidates: Recommendation[]
}

/** Road times are computed for this many straight-line nearest units per unit asked for: one search serves all. */
const SHORTLIST_PER_UNIT = 4
const MIN_SHORTLIST = 20
const MAX_SHORTLIST = 100

/**
 * Nearest available units by road: a straight-line shortlist from the spatial index, road legs from the
 * incident over the reversed graph in one search, ranked with reasons. Without a router (no roads loaded) every
 * candidate is flagged and ranked by straight line.
 */
export async function recommendUnits(q: Queryable, router: RoadRouter | null, req: RecommendRequest): Promise<RecommendResult> {
  const limit = Math.min(MAX_SHORTLIST, Math.max(MIN_SHORTLIST, req.n * SHORTLIST_PER_UNIT))
  const [shortlist, grid] = await Promise.all([shortlistUnits(q, req, limit), incidentGrid(q, req)])
  let units: ShortlistedUnit[] = shortlist
  if (shortlist.length < req.n) {
    const more = await fallbackUnits(q, req, shortlist.map((u) => u.unitId), req.n - shortlist.length)
    units = [...shortlist, ...more]
  }

  const destination = router?.snap(req.lon, req.lat) ?? null
  const legs = router && destination ? router.legsTo(destination, units.map((u) => router.snap(u.lon, u.lat))) : units.map(() => null)
  const ranked = rankCandidates(
    units.map((u, i) => ({ ...u, leg: legs[i] })),
    { gridCode: grid.code, neighbours: new Set(grid.neighbours), staleAfterS: req.staleAfterS, radiusM: req.radiusM },
  )
  return { shortlisted: units.length, candidates: ranked.slice(0, req.n) }
}

/** Grids closer than this (degrees, ~1 m) count as touching, so slivers between imported polygons do not matter. */
const TOUCH_DEGREES = 0.00001

async function incidentGrid(q: Queryable, req: RecommendRequest): Promise<{ code: string | null; neighbours: string[] }> {
  const neighbours = `coalesce(array(
      SELECT n.code FROM admin_area n
      WHERE n.level = 'grid' AND n.code <> g.code AND ST_DWithin(n.geom, g.geom, ${TOUCH_DEGREES})
      ORDER BY n.code), '{}') AS neighbours`
  const r = req.gridCode
    ? await q.query<{ code: string; neighbours: string[] }>(
        `SELECT g.code, ${neighbours} FROM admin_area g WHERE g.level = 'grid' AND g.code = $1`,
        [req.gridCode],
      )
    : await q.query<{ code: string; neighbours: string[] }>(
        `SELECT g.code, ${neighbours} FROM admin_area g
         WHERE g.level = 'grid' AND ST_Intersects(g.geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))
         ORDER BY g.code LIMIT 1`,
        [req.lon, req.lat],
      )
  return r.rows[0] ? { code: r.rows[0].code, neighbours: r.rows[0].neighbours } : { code: req.gridCode ?? null, neighbours: [] }
}
