import { readFileSync } from 'node:fs'
import { beforeAll, expect, it } from 'vitest'
import { describeBackends } from '../testing/backends.ts'
import { buildRoadGraph, type RoadFeature } from '../../geo/road-graph/build-road-graph.ts'
import type { RoadRouter } from '../../geo/routing/road-router.ts'
import { loadRoadGraph } from '../../seeds/load/load-road-graph.ts'
import { assignmentLeg } from './assignment-leg.ts'
import { loadRoadRouter } from './road-router-source.ts'

/** The river town of geo/routing/road-router.test.ts: units of 0.001° from -56.2, -34.9. */
const roads = (JSON.parse(readFileSync(new URL('../../geo/routing/fixtures/river-town.geojson', import.meta.url), 'utf8')) as { features: RoadFeature[] }).features
const at = (x: number, y: number): [number, number] => [+(-56.2 + 0.001 * x).toFixed(7), +(-34.9 + 0.001 * y).toFixed(7)]

describeBackends('the travel an assignment promises', ({ db }) => {
  let router: RoadRouter
  let caseId: number

  beforeAll(async () => {
    await loadRoadGraph(db(), buildRoadGraph(roads))
    router = (await loadRoadRouter(db()))!
    for (const id of ['u-fix', 'u-nofix']) await db().query(`INSERT INTO unit (id, callsign, type, shift) VALUES ($1, upper($1), 'patrol_car', 'day')`, [id])
    await db().query(
      `INSERT INTO unit_position_latest (unit_id, device_time, server_time, geom, source)
       VALUES ('u-fix', now(), now(), ST_SetSRID(ST_MakePoint($1, $2), 4326), 'test')`,
      at(0, 2),
    )
    const c = await db().query<{ id: number }>(
      `INSERT INTO incident (source, priority, state, geom, reported_at) VALUES ('operator', 2, 'filed', ST_SetSRID(ST_MakePoint($1, $2), 4326), now()) RETURNING id`,
      at(12.5, 2.3),
    )
    caseId = c.rows[0].id
  })

  it('is the router’s leg from the unit’s latest fix to the case', async () => {
    const leg = await assignmentLeg(db(), router, caseId, 'u-fix')
    const expected = router.route(router.snap(...at(0, 2))!, router.snap(...at(12.5, 2.3))!)!
    expect(leg).not.toBeNull()
    expect(leg!.seconds).toBeCloseTo(expected.seconds, 6)
    expect(leg!.meters).toBeCloseTo(expected.meters, 3)
    expect(leg!.seconds).toBeGreaterThan(0)
  })

  it('is null for a unit without a fix, and without a road graph', async () => {
    expect(await assignmentLeg(db(), router, caseId, 'u-nofix')).toBeNull()
    expect(await assignmentLeg(db(), null, caseId, 'u-fix')).toBeNull()
  })
})
