import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../db/db.ts'
import { openTestDb } from '../testing/backends.ts'
import { createRng } from '../../geo/random.ts'
import { buildRoadGraph } from '../../geo/road-graph/build-road-graph.ts'
import { largestComponentNodes } from '../../geo/routing/components.ts'
import type { RoadRouter } from '../../geo/routing/road-router.ts'
import { loadMontevideo } from '../../seeds/osm/city-layers.ts'
import { loadRoadGraph } from '../../seeds/load/load-road-graph.ts'
import { loadRoadRouter } from './road-router-source.ts'

/**
 * The in-memory router against pgRouting on the same tables: the demo city's road graph, a few hundred random
 * node pairs of its connected core, travel costs within 1 %. Only on the real PostgreSQL server (pgRouting is
 * a server extension; CI installs it).
 */
const DESTINATIONS = 30
const ORIGINS_PER_DESTINATION = 10

describe.skipIf(!process.env.DATABASE_URL)('road router agrees with pgr_dijkstraCost [postgres]', () => {
  let db: Db
  let dispose: () => Promise<void>
  let router: RoadRouter
  let core: number[]
  let position: Map<number, { lon: number; lat: number }>
  let ends: Map<number, { source: number; target: number }>

  beforeAll(async () => {
    ;({ db, dispose } = await openTestDb('postgres'))
    const available = await db.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'pgrouting'`)
    if (available.rows.length === 0) throw new Error('pgRouting is not installed on this server (Debian: postgresql-15-pgrouting)')
    await db.exec('CREATE EXTENSION IF NOT EXISTS pgrouting')
    const road = buildRoadGraph((await loadMontevideo()).roads.features)
    await loadRoadGraph(db, road)
    router = (await loadRoadRouter(db))!
    core = largestComponentNodes(router.graph)
    position = new Map(road.nodes.map((n) => [n.id, n]))
    ends = new Map(road.edges.map((e) => [e.id, e]))
  })
  afterAll(async () => {
    await dispose?.()
  })

  it('costs agree within 1 % on 300 random pairs, one search per destination', async () => {
    const rng = createRng('pgrouting-agreement')
    // A node that lies on another road's line without a junction (a bridge over a street) may snap onto that
    // road: such nodes are left out, and they must be rare.
    const snapsToItself = (id: number) => {
      const p = router.snap(position.get(id)!.lon, position.get(id)!.lat)!
      const e = ends.get(p.edgeId)!
      return p.offRoadM < 0.01 && ((p.fraction === 0 && e.source === id) || (p.fraction === 1 && e.target === id))
    }
    const sample = Array.from({ length: 400 }, () => core[Math.floor(rng() * core.length)])
    const usable = sample.filter(snapsToItself)
    expect(usable.length).toBeGreaterThan(0.9 * sample.length)
    const pick = () => usable[Math.floor(rng() * usable.length)]

    const pairs: Array<{ from: number; to: number; router: number }> = []
    for (let d = 0; d < DESTINATIONS; d++) {
      const to = pick()
      const froms = Array.from({ length: ORIGINS_PER_DESTINATION }, pick).filter((f) => f !== to)
      const snapAt = (id: number) => router.snap(position.get(id)!.lon, position.get(id)!.lat)
      const legs = router.legsTo(snapAt(to)!, froms.map(snapAt))
      froms.forEach((from, i) => pairs.push({ from, to, router: legs[i]?.seconds ?? Infinity }))
    }
    expect(pairs.length).toBeGreaterThan(250)

    const r = await db.query<{ start_vid: number; end_vid: number; agg_cost: number }>(
      `SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCost(
         'SELECT id, source, target, cost, reverse_cost FROM road_edge',
         $1::text, directed => true)`,
      [`SELECT * FROM (VALUES ${pairs.map((p) => `(${p.from}, ${p.to})`).join(', ')}) AS t(source, target)`],
    )
    const pgr = new Map(r.rows.map((row) => [`${row.start_vid}>${row.end_vid}`, row.agg_cost]))
    const disagreements = pairs
      .map((p) => ({ ...p, pgr: pgr.get(`${p.from}>${p.to}`) ?? Infinity }))
      .filter((p) => !(Math.abs(p.router - p.pgr) <= 0.01 * p.pgr))
    expect(disagreements).toEqual([])
    // Not a trivial agreement: real trips across the city.
    expect(Math.max(...pairs.map((p) => p.router))).toBeGreaterThan(300)
  })
})
