import { readFileSync } from 'node:fs'
import { Router } from 'express'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeBackends } from '../testing/backends.ts'
import { listenRouters } from '../testing/listen.ts'
import type { Principal } from '../auth/principal.ts'
import { createLogger } from '../logger.ts'
import { buildRoadGraph, type RoadFeature } from '../../geo/road-graph/build-road-graph.ts'
import { loadRoadGraph } from '../../seeds/load/load-road-graph.ts'
import { dispatchRouter } from './dispatch-routes.ts'
import { RoadRouterSource } from './road-router-source.ts'

/** The river town of geo/routing/road-router.test.ts: units of 0.001° from -56.2, -34.9. */
const roads = (JSON.parse(readFileSync(new URL('../../geo/routing/fixtures/river-town.geojson', import.meta.url), 'utf8')) as { features: RoadFeature[] }).features
const at = (x: number, y: number): [number, number] => [+(-56.2 + 0.001 * x).toFixed(7), +(-34.9 + 0.001 * y).toFixed(7)]
const GRID = { west: '999001001001001', east: '999001001001002', far: '999001001002003' }
const incident = at(5.2, 2.05)

const everyone: Principal = { userId: 1, username: 'disp', role: 'dispatcher', areas: 'all', layers: new Set() }

interface Candidate {
  unitId: string
  etaSeconds: number | null
  meters: number | null
  straightMeters: number
  fixAgeS: number
  reasons: Array<{ code: string; zh: string; en: string; fixAgeS?: number; radiusM?: number }>
  route: { type: string; coordinates: [number, number][] } | null
}
/** The answer: a bare array, best first. */
type Recommendation = Candidate[]

describeBackends('dispatch routes', ({ db }) => {
  let server: Awaited<ReturnType<typeof listenRouters>>
  let principal: Principal = everyone
  let source: RoadRouterSource
  let caseId: number

  beforeAll(async () => {
    await loadRoadGraph(db(), buildRoadGraph(roads))
    const square = (code: string, x0: number, x1: number) => {
      const [w, s] = at(x0, -10)
      const [e, n] = at(x1, 10)
      return db().query(
        `INSERT INTO admin_area (code, level, name, geom) VALUES ($1, 'grid', $1, ST_Multi(ST_MakeEnvelope($2, $3, $4, $5, 4326)))`,
        [code, w, s, e, n],
      )
    }
    await square(GRID.west, -10, 5.5)
    await square(GRID.east, 5.5, 15)
    await square(GRID.far, 15, 40)
    const units: Array<[id: string, x: number, y: number, grid: string, ageS: number, status: string]> = [
      ['u-across', 5, 0.1, GRID.west, 20, 'available'],
      ['u-west', 0, 2, GRID.west, 20, 'available'],
      ['u-loop', 5, 3, GRID.west, 20, 'available'],
      ['u-east', 12, 2, GRID.east, 20, 'available'],
      ['u-busy', 5.3, 2, GRID.west, 20, 'dispatched'],
      ['u-stale', 5.1, 2, GRID.west, 900, 'available'],
      ['u-far', 35, 0, GRID.far, 20, 'available'],
    ]
    for (const [id, x, y, grid, ageS, status] of units) {
      await db().query(`INSERT INTO unit (id, callsign, type, shift, status) VALUES ($1, upper($1), 'patrol_car', 'day', $2)`, [id, status])
      await db().query(
        `INSERT INTO unit_position_latest (unit_id, device_time, server_time, geom, grid_code, source)
         VALUES ($1, now() - make_interval(secs => $2), now(), ST_SetSRID(ST_MakePoint($3, $4), 4326), $5, 'test')`,
        [id, ageS, ...at(x, y), grid],
      )
    }
    await db().query(`INSERT INTO unit (id, callsign, type, shift) VALUES ('u-nofix', 'U-NOFIX', 'patrol_car', 'day')`)
    const c = await db().query<{ id: number }>(
      `INSERT INTO incident (source, priority, state, geom, grid_code, reported_at)
       VALUES ('operator', 2, 'filed', ST_SetSRID(ST_MakePoint($1, $2), 4326), $3, now()) RETURNING id`,
      [...at(12.5, 2.3), GRID.east],
    )
    caseId = c.rows[0].id

    source = new RoadRouterSource(db(), createLogger('silent', false))
    expect(await source.refresh()).toBe(true)
    const asPrincipal = Router().use((req, _res, next) => {
      req.principal = principal
      next()
    })
    server = await listenRouters(asPrincipal, dispatchRouter(db(), () => source.current()))
  })
  afterAll(async () => {
    await server?.close()
  })

  const get = async <T>(path: string, as: Principal = everyone): Promise<{ status: number; body: T }> => {
    principal = as
    const res = await fetch(server.url + path)
    return { status: res.status, body: (await res.json()) as T }
  }
  const recommend = (query: string, as?: Principal) => get<Recommendation>(`/api/v1/dispatch/recommend?${query}`, as)

  it('ranks available, fresh units by road ETA where the straight line ranks them otherwise', async () => {
    const { status, body } = await recommend(`lon=${incident[0]}&lat=${incident[1]}&n=5`)
    expect(status).toBe(200)
    expect(Array.isArray(body)).toBe(true)
    const ids = body.map((c) => c.unitId)
    // Across the river and on the one-way loop are nearest in a straight line, far by road; u-far has no road.
    expect(ids).toEqual(['u-west', 'u-east', 'u-loop', 'u-across', 'u-far'])
    const byStraight = [...body].sort((a, b) => a.straightMeters - b.straightMeters).map((c) => c.unitId)
    expect(byStraight.slice(0, 3)).toEqual(['u-loop', 'u-across', 'u-west'])
    const [west, east, loop, across, far] = body
    expect(west.etaSeconds).toBeGreaterThan(35)
    expect(west.etaSeconds).toBeLessThan(east.etaSeconds!)
    expect(loop.etaSeconds).toBeGreaterThan(2 * east.etaSeconds!)
    expect(across.meters).toBeGreaterThan(10 * across.straightMeters)
    expect(west.reasons).toEqual([{ code: 'own_grid', zh: '本网格', en: 'own grid' }])
    expect(east.reasons.map((r) => r.code)).toEqual(['neighbouring_grid'])
    expect(far).toMatchObject({ etaSeconds: null, meters: null, route: null })
    expect(far.reasons.map((r) => r.code)).toEqual(['no_road_route'])
    // The route runs from the unit to the incident.
    expect(loop.route!.coordinates[0]).toEqual(at(5, 3))
    expect(loop.route!.coordinates.at(-1)).toEqual(incident)
    expect(Object.keys(west).sort()).toEqual(
      ['callsign', 'etaSeconds', 'fixAgeS', 'gridCode', 'lat', 'lon', 'meters', 'reasons', 'route', 'straightMeters', 'unitId'],
    )
  })

  it('fills a short list with stale and out-of-radius units, flagged, after the rest; the stale threshold is a parameter', async () => {
    const { body } = await recommend(`lon=${incident[0]}&lat=${incident[1]}&n=10&radius=1000`)
    expect(body.map((c) => c.unitId)).toEqual(['u-west', 'u-east', 'u-loop', 'u-across', 'u-stale', 'u-far'])
    const stale = body[4].reasons.find((r) => r.code === 'stale_fix')!
    expect(stale.fixAgeS).toBeGreaterThanOrEqual(900)
    expect(stale.en).toBe('stale fix 15 min')
    expect(body[5].reasons.find((r) => r.code === 'outside_radius')).toMatchObject({ radiusM: 1000, zh: '超出 1 公里范围' })

    const lenient = await recommend(`lon=${incident[0]}&lat=${incident[1]}&n=2&staleAfter=3600`)
    expect(lenient.body.map((c) => c.unitId)).toEqual(['u-stale', 'u-west'])
  })

  it('reads the point and grid of a case', async () => {
    const { status, body } = await recommend(`case=${caseId}&n=2`)
    expect(status).toBe(200)
    // The case's grid is east: the unit there is in its own grid, the next one, from the west grid, in a neighbouring one.
    expect(body[0]).toMatchObject({ unitId: 'u-east', reasons: [{ code: 'own_grid' }] })
    expect(body[1].reasons[0].code).toBe('neighbouring_grid')
  })

  it('scopes units and cases to the jurisdiction', async () => {
    const district: Principal = { ...everyone, areas: ['999001001002'] }
    const { body } = await recommend(`lon=${incident[0]}&lat=${incident[1]}&n=5`, district)
    expect(body.map((c) => c.unitId)).toEqual(['u-far'])
    expect((await recommend(`case=${caseId}`, district)).status).toBe(404)
  })

  it('lets only dispatchers, supervisors and admins recommend; analysts may route', async () => {
    const as = (role: Principal['role']): Principal => ({ ...everyone, role })
    expect((await recommend(`lon=${incident[0]}&lat=${incident[1]}`, as('analyst'))).status).toBe(403)
    expect((await recommend(`lon=${incident[0]}&lat=${incident[1]}`, as('grid_worker'))).status).toBe(403)
    expect((await recommend(`lon=${incident[0]}&lat=${incident[1]}`, as('supervisor'))).status).toBe(200)
    expect((await get(`/api/v1/route?from=${at(0, 2)}&to=${incident}`, as('analyst'))).status).toBe(200)
    expect((await get(`/api/v1/route?from=${at(0, 2)}&to=${incident}`, as('wall'))).status).toBe(403)
  })

  it('rejects bad queries with the path of each problem', async () => {
    const paths = async (query: string, status = 400) => {
      const r = await get<{ error: { code: string; details?: Array<{ path: string }> } }>(`/api/v1/dispatch/recommend?${query}`)
      expect(r.status).toBe(status)
      return (r.body.error.details ?? []).map((d) => d.path).sort()
    }
    expect(await paths('lat=95&lon=abc')).toEqual(['query.lat', 'query.lon'])
    expect(await paths('lat=-34.9')).toEqual(['query.lon'])
    expect(await paths(`case=${caseId}&lat=-34.9&lon=-56.2`)).toEqual(['query.case'])
    expect(await paths('lat=-34.9&lon=-56.2&n=0')).toEqual(['query.n'])
    expect(await paths('lat=-34.9&lon=-56.2&n=21')).toEqual(['query.n'])
    expect(await paths('lat=-34.9&lon=-56.2&radius=5')).toEqual(['query.radius'])
    expect(await paths('case=99999999', 404)).toEqual([])
    expect((await recommend('case=99999999')).body).toMatchObject({ error: { code: 'not_found' } })
  })

  it('routes between two points: seconds, metres and the road geometry', async () => {
    const { status, body } = await get<{ seconds: number; meters: number; geometry: { type: string; coordinates: [number, number][] } }>(
      `/api/v1/route?from=${at(0, 2)}&to=${incident}`,
    )
    expect(status).toBe(200)
    // 5.2 units of primary road at 45 km/h, plus 5.6 m from the road to the incident.
    expect(body.meters).toBeGreaterThan(475)
    expect(body.meters).toBeLessThan(485)
    expect(body.seconds).toBeGreaterThan(38)
    expect(body.seconds).toBeLessThan(41)
    expect(body.geometry.type).toBe('LineString')
    expect(body.geometry.coordinates[0]).toEqual(at(0, 2))
    expect(body.geometry.coordinates.at(-1)).toEqual(incident)
    // Against the one-way loop the way back is longer than the way there.
    const there = await get<{ meters: number }>(`/api/v1/route?from=${at(5, 2)}&to=${at(5, 3)}`)
    const back = await get<{ meters: number }>(`/api/v1/route?from=${at(5, 3)}&to=${at(5, 2)}`)
    expect(back.body.meters).toBeGreaterThan(5 * there.body.meters)
  })

  it('answers 400 for malformed points and 422 for points off the road network', async () => {
    const route = (q: string) => get<{ error: { code: string; details?: Array<{ path: string }> } }>(`/api/v1/route?${q}`)
    const bad = await route('from=x,y&to=200,0')
    expect(bad.status).toBe(400)
    expect(bad.body.error.details!.map((d) => d.path).sort()).toEqual(['query.from', 'query.to.0'])
    expect((await route(`from=${at(0, 2)}`)).status).toBe(400)
    const off = await route(`from=${at(0, 2)}&to=${at(35, 0)}`)
    expect(off.status).toBe(422)
    expect(off.body.error).toMatchObject({ code: 'off_road_network', details: [{ path: 'query.to' }] })
  })

  it('without a road graph: /route answers 503, recommendations rank by straight line', async () => {
    const bare = await listenRouters(Router().use((req, _res, next) => {
      req.principal = everyone
      next()
    }), dispatchRouter(db(), () => null))
    try {
      const route = await fetch(`${bare.url}/api/v1/route?from=${at(0, 2)}&to=${incident}`)
      expect(route.status).toBe(503)
      const r = (await (await fetch(`${bare.url}/api/v1/dispatch/recommend?lon=${incident[0]}&lat=${incident[1]}&n=3`)).json()) as Recommendation
      expect(r.map((c) => c.unitId)).toEqual(['u-loop', 'u-across', 'u-west'])
      expect(r.every((c) => c.etaSeconds === null && c.reasons.some((x) => x.code === 'no_road_route'))).toBe(true)
    } finally {
      await bare.close()
    }
  })

  it('picks up a replaced road graph', async () => {
    expect(await source.refresh()).toBe(false)
    const before = source.current()
    const westEta = async () => (await recommend(`lon=${incident[0]}&lat=${incident[1]}&n=1`)).body[0].etaSeconds!
    const fast = await westEta()
    // The north road downgraded from primary (45 km/h) to residential (30 km/h).
    await db().exec('DELETE FROM road_edge; DELETE FROM road_node')
    const downgraded = roads.map((f) => (f.properties.highway === 'primary' ? { ...f, properties: { ...f.properties, highway: 'residential' } } : f))
    await loadRoadGraph(db(), buildRoadGraph(downgraded))
    expect(await source.refresh()).toBe(true)
    expect(source.current()).not.toBe(before)
    const slow = await westEta()
    // Only the road part slows down; 1.4 s of the ETA is the walk from the road to the incident.
    expect((slow - 1.4) / (fast - 1.4)).toBeCloseTo(1.5, 1)
  })
})
