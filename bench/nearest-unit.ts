/**
 * Nearest-unit recommendation with 20,000 units on the demo city: latency of the straight-line stage (the KNN
 * shortlist over the GiST index) and of the whole recommendation (shortlist, incident grid and neighbours, road
 * legs for the shortlist in one reversed search, ranking). Baseline, in the same run and on the same random
 * incidents: a plain full scan `ORDER BY ST_Distance(geography)` over the available, fresh units.
 *
 * The city's units are topped up to the fleet size with synthetic ones (removed at the end), every unit gets a
 * latest position near a random road node, 80 % are available and a fix age between 0 and 330 s (about 9 % stale).
 */
import { PerformanceObserver } from 'node:perf_hooks'
import type { Db } from '../server/db/db.ts'
import type { Principal } from '../server/auth/principal.ts'
import { loadRoadRouter } from '../server/dispatch/road-router-source.ts'
import { recommendUnits } from '../server/dispatch/recommend.ts'
import { firstFetch, shortlistSql, shortlistUnits } from '../server/dispatch/unit-shortlist.ts'
import { DEFAULT_RADIUS_M, DEFAULT_STALE_AFTER_S } from '../server/dispatch/dispatch-routes.ts'
import { createRng } from '../geo/random.ts'
import { numFlag } from './lib/args.ts'
import { collectGarbage } from './lib/collect-garbage.ts'
import { openCity } from './lib/bench-db.ts'
import { int, ms, times, type BenchContext, type BenchReport } from './lib/report.ts'

const TARGET = { straightP99: 2, fullP99: 50 }
/** perf_hooks' garbage collection kinds (constants.NODE_PERFORMANCE_GC_*). */
const GC_KINDS: Record<number, string> = { 1: 'minor', 4: 'major', 8: 'incremental', 16: 'weak callbacks' }
const SYNTHETIC = 'bench-nu-'
const SOURCE = 'bench-nearest-unit'
const SHORTLIST = 20
const CITY_WIDE: Principal = { userId: null, username: 'bench', role: 'dispatcher', areas: 'all', layers: new Set() }

export async function nearestUnitBench({ args, city, log }: BenchContext): Promise<BenchReport> {
  const fleet = numFlag(args, 'fleet', 20_000, 20_000)
  const queries = numFlag(args, 'queries', 1000, 200)
  const warmup = Math.min(100, Math.ceil(queries / 10))
  const open = await openCity(city.source, 2)
  const db = open.db
  try {
    log.info(`nearest-unit: placing ${int(fleet)} units on the road network`)
    const { available, fresh, restamp } = await placeFleet(db, fleet)
    const t0 = performance.now()
    const router = await loadRoadRouter(db)
    if (!router) throw new Error('the benchmark city has no road graph')
    const loadMs = performance.now() - t0

    const nodes = (await db.query<{ lon: number; lat: number }>('SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM road_node ORDER BY id')).rows
    const rng = createRng('nearest-unit-bench', 'incidents')
    const incidents = Array.from({ length: queries + warmup }, () => jitter(nodes[Math.floor(rng() * nodes.length)], rng, 30))
    const request = (p: { lon: number; lat: number }) => ({
      ...p, n: 5, radiusM: DEFAULT_RADIUS_M, staleAfterS: DEFAULT_STALE_AFTER_S, principal: CITY_WIDE,
    })

    log.info(`nearest-unit: ${int(queries)} incidents per method, after ${warmup} warm-up queries`)
    // The floor under every figure below: one round trip to the database that does no work at all.
    const roundTrip = summary(await timeEach(incidents, warmup, () => db.query('SELECT 1')))
    await restamp()
    const baseline = await timeEach(incidents, warmup, (p) =>
      db.query(
        `SELECT p.unit_id, ST_Distance(p.geom::geography, ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography) AS m
         FROM unit_position_latest p JOIN unit u ON u.id = p.unit_id
         WHERE u.status = 'available' AND p.device_time >= now() - make_interval(secs => $3)
         ORDER BY m LIMIT $4`,
        [p.lon, p.lat, DEFAULT_STALE_AFTER_S, SHORTLIST],
      ),
    )
    await restamp()
    // The garbage collector's pauses in this process meanwhile, to see whether a slow query waited for one.
    const pauses: Array<[start: number, end: number, kind: string]> = []
    const gc = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) pauses.push([e.startTime, e.startTime + e.duration, GC_KINDS[(e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0] ?? 'other'])
    })
    gc.observe({ entryTypes: ['gc'] })
    const starts: number[] = []
    const straight = await timeEach(incidents, warmup, (p, measured) => {
      if (measured) starts.push(performance.now())
      return shortlistUnits(db, request(p), SHORTLIST)
    })
    gc.disconnect()
    // A street's dispatcher: the same walk, keeping only units in grids of the incident's street.
    const streets = await Promise.all(incidents.map(async (p) => {
      const r = await db.query<{ s: string }>(
        `SELECT left(code, 9) AS s FROM admin_area WHERE level = 'grid' AND ST_Intersects(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326)) LIMIT 1`,
        [p.lon, p.lat],
      )
      return r.rows[0]?.s ?? null
    }))
    const scopedPoints = incidents.map((p, i) => ({ p, street: streets[i] })).filter((x) => x.street !== null)
    await restamp()
    const scoped = await timeEach(scopedPoints, warmup, ({ p, street }) =>
      shortlistUnits(db, { ...request(p), principal: { ...CITY_WIDE, areas: [street!] } }, SHORTLIST))
    let shortlisted = 0
    let routed = 0
    await restamp()
    const full = await timeEach(incidents, warmup, async (p, measured) => {
      const r = await recommendUnits(db, router, request(p))
      if (!measured) return
      shortlisted += r.shortlisted
      routed += r.candidates.filter((c) => c.etaSeconds !== null).length
    })
    // The road stage alone, for the notes: snapping and one search per incident for a shortlist of 20.
    await restamp()
    const sample = await Promise.all(incidents.slice(0, 100).map((p) => shortlistUnits(db, request(p), SHORTLIST)))
    const r0 = performance.now()
    sample.forEach((units, i) => {
      const dest = router.snap(incidents[i].lon, incidents[i].lat)
      if (dest) router.legsTo(dest, units.map((u) => router.snap(u.lon, u.lat)))
    })
    const roadMs = (performance.now() - r0) / sample.length

    // Where the straight-line stage's time goes: planning (every statement is planned afresh) and execution,
    // inside the database, for the same incidents.
    await restamp()
    const measuredIncidents = incidents.slice(warmup)
    const plans = { planning: [] as number[], execution: [] as number[], total: [] as number[] }
    for (const p of measuredIncidents) {
      const { sql, params } = shortlistSql(request(p), SHORTLIST, firstFetch(SHORTLIST))
      const r = await db.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params)
      const raw = r.rows[0]['QUERY PLAN']
      const plan = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<{ 'Planning Time': number; 'Execution Time': number }>
      plans.planning.push(plan[0]['Planning Time'])
      plans.execution.push(plan[0]['Execution Time'])
      plans.total.push(plan[0]['Planning Time'] + plan[0]['Execution Time'])
    }
    // The slowest 1 % again, five times each: a tail that repeats is the statement; one that does not, the moment.
    const slowest = straight.map((t, i) => ({ t, i })).sort((a, b) => b.t - a.t).slice(0, Math.max(1, Math.ceil(straight.length / 100)))
    const again: number[] = []
    for (const { i } of slowest) again.push(Math.min(...(await timeEach(Array(5).fill(measuredIncidents[i]), 0, (p) => shortlistUnits(db, request(p), SHORTLIST)))))
    const gcMs = slowest.map(({ i, t }) => pauses.reduce((sum, [a, b]) => sum + Math.max(0, Math.min(b, starts[i] + t) - Math.max(a, starts[i])), 0))

    const b = summary(baseline)
    const s = summary(straight)
    const f = summary(full)
    const sc = summary(scoped)
    return {
      name: 'nearest-unit',
      title: `nearest-unit recommendation, ${int(fleet)} units (${int(available)} available, ${int(fresh)} of them fresh), ${int(queries)} random incidents`,
      rows: [
        { what: 'a bare round trip (SELECT 1), p50', value: ms(roundTrip.p50) },
        { what: 'a bare round trip (SELECT 1), p99', value: ms(roundTrip.p99) },
        { what: 'full scan ORDER BY ST_Distance (geography), top 20, p50', value: ms(b.p50) },
        { what: 'full scan ORDER BY ST_Distance (geography), top 20, p99', value: ms(b.p99) },
        { what: 'straight-line stage: KNN <-> shortlist of 20, p50', value: ms(s.p50), baseline: ms(b.p50), ratio: times(b.p50 / s.p50) },
        {
          what: 'straight-line stage: KNN <-> shortlist of 20, p99', value: ms(s.p99), baseline: ms(b.p99), ratio: times(b.p99 / s.p99),
          target: `< ${TARGET.straightP99} ms`, met: s.p99 < TARGET.straightP99,
        },
        { what: "straight-line stage, a street's dispatcher (scoped), p50", value: ms(sc.p50), baseline: ms(b.p50), ratio: times(b.p50 / sc.p50) },
        { what: "straight-line stage, a street's dispatcher (scoped), p99", value: ms(sc.p99), baseline: ms(b.p99), ratio: times(b.p99 / sc.p99) },
        { what: 'full recommendation with road ETA (n = 5), p50', value: ms(f.p50), baseline: ms(b.p50), ratio: times(b.p50 / f.p50) },
        {
          what: 'full recommendation with road ETA (n = 5), p99', value: ms(f.p99), baseline: ms(b.p99), ratio: times(b.p99 / f.p99),
          target: `< ${TARGET.fullP99} ms`, met: f.p99 < TARGET.fullP99,
        },
      ],
      notes: [
        `ratios are baseline / measured (higher is faster); queries run one at a time on one connection`,
        `straight-line stage inside the database (EXPLAIN ANALYZE, the same ${int(measuredIncidents.length)} incidents): median planning ${ms(summary(plans.planning).p50)} + execution ${ms(summary(plans.execution).p50)}; planning + execution p99 ${ms(summary(plans.total).p99)}, max ${ms(Math.max(...plans.total))}`,
        `the slowest 1 % of straight-line queries (${slowest.length}, at query ${slowest.map((x) => x.i + 1).join(', ')} of the phase): first ${slowest.map((x) => x.t.toFixed(1)).join(', ')} ms; best of 5 re-runs ${again.map((t) => t.toFixed(1)).join(', ')} ms; inside the database ${slowest.map(({ i }) => plans.total[i].toFixed(1)).join(', ')} ms; garbage collection in this process during each ${gcMs.map((t) => t.toFixed(1)).join(', ')} ms (${pauses.length} pauses over the ${int(straight.length)} queries: ${gcSummary(pauses)})`,
        `road stage alone (snap incident and 20 units, one reversed search, 20 routes with geometry): ${ms(roadMs)} mean`,
        `road graph: ${int(router.graph.nodeCount)} nodes, ${int(router.edgeCount)} edges, loaded from the tables in ${ms(loadMs)}`,
        `per recommendation: ${(shortlisted / queries).toFixed(1)} units shortlisted, ${(routed / queries).toFixed(2)} of 5 with a road route`,
      ],
    }
  } finally {
    await db.exec(`DELETE FROM unit_position_latest WHERE source = '${SOURCE}'; DELETE FROM unit WHERE id LIKE '${SYNTHETIC}%'`)
    await open.close()
  }
}

/**
 * Tops the units up to `fleet` and gives each a latest position near a road node. Fix ages are relative to
 * now, so `restamp` sets them again before each measured phase (else every fix goes stale as the run goes on).
 */
async function placeFleet(db: Db, fleet: number): Promise<{ available: number; fresh: number; restamp: () => Promise<void> }> {
  const have = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM unit`)).rows[0].n
  const rng = createRng('nearest-unit-bench', 'fleet')
  const extra = Array.from({ length: Math.max(0, fleet - have) }, (_, i) => `${SYNTHETIC}${String(i).padStart(5, '0')}`)
  await db.query(
    `INSERT INTO unit (id, callsign, type, shift, status)
     SELECT id, upper(id), 'patrol_car', 'day', s FROM unnest($1::text[], $2::text[]) AS t(id, s)`,
    [extra, extra.map(() => (rng() < 0.8 ? 'available' : 'dispatched'))],
  )
  const units = (await db.query<{ id: string }>(`SELECT id FROM unit ORDER BY id LIMIT $1`, [fleet])).rows.map((r) => r.id)
  const nodes = (await db.query<{ lon: number; lat: number }>('SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM road_node ORDER BY id')).rows
  const at = units.map(() => jitter(nodes[Math.floor(rng() * nodes.length)], rng, 20))
  const ages = units.map(() => rng() * 330)
  await db.query(
    `INSERT INTO unit_position_latest (unit_id, device_time, server_time, geom, source)
     SELECT id, now() - make_interval(secs => age), now(), ST_SetSRID(ST_MakePoint(lon, lat), 4326), '${SOURCE}'
     FROM unnest($1::text[], $2::float8[], $3::float8[], $4::float8[]) AS t(id, lon, lat, age)
     ON CONFLICT (unit_id) DO UPDATE SET device_time = excluded.device_time, server_time = excluded.server_time,
       geom = excluded.geom, source = excluded.source`,
    [units, at.map((p) => p.lon), at.map((p) => p.lat), ages],
  )
  const restamp = async () => {
    await db.query(
      `UPDATE unit_position_latest p SET device_time = now() - make_interval(secs => t.age)
       FROM unnest($1::text[], $2::float8[]) AS t(id, age) WHERE p.unit_id = t.id`,
      [units, ages],
    )
    // ANALYZE too: an autoanalyze of the 20,000 rows just updated would otherwise start mid-phase.
    await db.exec('VACUUM ANALYZE unit_position_latest')
  }
  await db.query(
    `UPDATE unit_position_latest p SET grid_code = a.code FROM admin_area a
     WHERE p.source = '${SOURCE}' AND a.level = 'grid' AND ST_Intersects(a.geom, p.geom)`,
  )
  await db.exec('VACUUM ANALYZE unit_position_latest')
  await db.exec('ANALYZE unit')
  const r = await db.query<{ available: number; fresh: number }>(
    `SELECT count(*) FILTER (WHERE u.status = 'available')::int AS available,
            count(*) FILTER (WHERE u.status = 'available' AND p.device_time >= now() - make_interval(secs => $1))::int AS fresh
     FROM unit_position_latest p JOIN unit u ON u.id = p.unit_id`,
    [DEFAULT_STALE_AFTER_S],
  )
  return { ...r.rows[0], restamp }
}

function jitter(p: { lon: number; lat: number }, rng: () => number, metres: number): { lon: number; lat: number } {
  const d = (metres / 111_000) * Math.sqrt(rng())
  const a = rng() * 2 * Math.PI
  return { lon: p.lon + (d * Math.cos(a)) / Math.cos((p.lat * Math.PI) / 180), lat: p.lat + d * Math.sin(a) }
}

async function timeEach<T>(points: T[], warmup: number, fn: (p: T, measured: boolean) => Promise<unknown>): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < points.length; i++) {
    if (i === warmup && warmup > 0) await collectGarbage()
    const t0 = performance.now()
    await fn(points[i], i >= warmup)
    if (i >= warmup) out.push(performance.now() - t0)
  }
  return out
}

/** "5 minor, longest 3.1 ms; 2 major, longest 8.9 ms". */
function gcSummary(pauses: Array<[start: number, end: number, kind: string]>): string {
  const byKind = new Map<string, number[]>()
  for (const [a, b, kind] of pauses) byKind.set(kind, [...(byKind.get(kind) ?? []), b - a])
  return [...byKind].map(([kind, d]) => `${d.length} ${kind}, longest ${ms(Math.max(...d))}`).join('; ')
}

function summary(samples: number[]): { p50: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b)
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]
  return { p50: at(0.5), p99: at(0.99) }
}
