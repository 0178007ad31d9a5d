import express from 'express'
import pino from 'pino'
import { latLngToCell } from 'h3-js'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeBackends } from '../testing/backends.ts'
import { listen } from '../testing/listen.ts'
import { errorHandler } from '../http/http-error.ts'
import { withPrincipal, type Principal, type Role } from '../auth/principal.ts'
import { loadCatalogue } from '../../seeds/load/load-catalogue.ts'
import { createRng } from '../../geo/random.ts'
import { metresPerDegree } from '../../geo/grids/metres-per-degree.ts'
import { countPerCell } from '../../geo/analytics/count-per-cell.ts'
import { twoSidedNormalP } from '../../geo/analytics/normal-p-value.ts'
import { binomialTwoSidedP } from '../../geo/analytics/binomial-test.ts'
import { analyticsRouter } from './analytics-routes.ts'

/*
 * A 4 × 4 block of square grids (0.002° ≈ 183 m × 222 m) near Montevideo; grid k = row·4 + col, row 0 south.
 * Grids 0–7 are in community 999001001001, 8–15 in …002. Incidents are drawn inside each grid with a seeded
 * generator; every expectation below is recomputed in JavaScript from that list, not read back from SQL.
 */
const STEP = 0.002
const W = -56.2, S = -34.9
const TZ = 'America/Montevideo' // UTC−3, no daylight saving
const codeOf = (k: number) => `99900100100${k < 8 ? 1 : 2}${String(k).padStart(3, '0')}`
// Incidents per grid: a cluster in the south-west corner.
const PER_GRID = [40, 30, 4, 2, 30, 20, 3, 1, 5, 3, 2, 0, 2, 1, 0, 1]
const CATEGORIES = ['PT-0101', 'PT-0201', 'EV-0101']
const SOURCES = ['citizen', 'patrol', 'camera'] as const
const FROM = '2026-03-01T00:00:00.000Z', TO = '2026-03-29T00:00:00.000Z'

interface Fixture {
  grid: number
  lon: number
  lat: number
  at: Date
  category: string
  source: string
  priority: number
}

function fixtures(): Fixture[] {
  const rng = createRng('analytics-routes')
  const out: Fixture[] = []
  let n = 0
  PER_GRID.forEach((count, k) => {
    for (let m = 0; m < count; m++, n++) {
      out.push({
        grid: k,
        lon: W + ((k % 4) + 0.05 + 0.9 * rng()) * STEP,
        lat: S + (Math.floor(k / 4) + 0.05 + 0.9 * rng()) * STEP,
        // Spread over the 28 days of the window, 7 h apart (so every hour and weekday occurs).
        at: new Date(Date.parse(FROM) + ((n * 7 * 3_600_000) % (28 * 86_400_000)) + 60_000),
        category: CATEGORIES[n % 3],
        source: SOURCES[n % 3 === 0 ? 0 : n % 2 ? 1 : 2],
        priority: 1 + (n % 4),
      })
    }
  })
  return out
}

const everyone: Principal = { userId: 1, username: 'ana', role: 'analyst', areas: 'all', layers: new Set() }

describeBackends('analytics API', ({ db }) => {
  const data = fixtures()
  const servers: Array<{ close(): Promise<void> }> = []
  const bases = new Map<string, string>()

  async function serve(principal: Principal): Promise<string> {
    const key = JSON.stringify([principal.role, principal.areas])
    if (!bases.has(key)) {
      const app = express()
      app.use(withPrincipal(principal))
      app.use(analyticsRouter(db(), { timeZone: TZ }))
      app.use(errorHandler(pino({ level: 'silent' })))
      const s = await listen(app)
      servers.push(s)
      bases.set(key, s.url)
    }
    return bases.get(key)!
  }
  const get = async (path: string, principal = everyone) => {
    const r = await fetch(`${await serve(principal)}${path}`)
    return { status: r.status, body: (await r.json()) as any }
  }
  const byCell = (fc: any) => new Map<string, any>(fc.features.map((f: any) => [f.properties.cell, f.properties]))

  beforeAll(async () => {
    await loadCatalogue(db())
    const square = (k: number) => {
      const [x, y] = [W + (k % 4) * STEP, S + Math.floor(k / 4) * STEP]
      return `MULTIPOLYGON(((${x} ${y}, ${x + STEP} ${y}, ${x + STEP} ${y + STEP}, ${x} ${y + STEP}, ${x} ${y})))`
    }
    for (let k = 0; k < 16; k++) {
      await db().query(`INSERT INTO admin_area (code, level, name, population, geom) VALUES ($1, 'grid', $1, $2, ST_GeomFromText($3, 4326))`, [
        codeOf(k), k === 0 ? 2000 : null, square(k),
      ])
    }
    // Half now, half after the first H3 query: the insert trigger must queue the rest.
    await insert(data.slice(0, 80))
  })
  afterAll(async () => {
    for (const s of servers) await s.close()
  })

  async function insert(rows: Fixture[]) {
    await db().query(
      `INSERT INTO incident (source, category_code, priority, state, geom, grid_code, reported_at)
       SELECT s, c, p, 'closed', ST_SetSRID(ST_MakePoint(x, y), 4326), g, t
       FROM unnest($1::text[], $2::text[], $3::int[], $4::float8[], $5::float8[], $6::text[], $7::timestamptz[]) AS u(s, c, p, x, y, g, t)`,
      [rows.map((r) => r.source), rows.map((r) => r.category), rows.map((r) => r.priority), rows.map((r) => r.lon), rows.map((r) => r.lat),
        rows.map((r) => codeOf(r.grid)), rows.map((r) => r.at.toISOString())],
    )
  }

  const window = `from=${FROM}&to=${TO}`

  it('counts per H3 cell exactly as latLngToCell does per incident, including incidents added later', async () => {
    const first = await get(`/api/v1/analytics/counts?cells=h3&res=9&${window}`)
    expect(first.status).toBe(200)
    const expectFirst = countPerCell(data.slice(0, 80).flatMap((d) => [d.lon, d.lat]), (lon, lat) => latLngToCell(lat, lon, 9))
    const got = byCell(first.body)
    for (const [cell, n] of expectFirst) expect(got.get(cell)?.count).toBe(n)
    expect(first.body.meta.total).toBe(80)

    await insert(data.slice(80))
    const all = countPerCell(data.flatMap((d) => [d.lon, d.lat]), (lon, lat) => latLngToCell(lat, lon, 10))
    const res10 = byCell((await get(`/api/v1/analytics/counts?cells=h3&res=10&${window}`)).body)
    expect([...res10.values()].reduce((a, p) => a + p.count, 0)).toBe(data.length)
    for (const [cell, n] of all) expect(res10.get(cell)?.count).toBe(n)
    // Cells of the study area with no incidents are there as zeros.
    expect([...res10.values()].some((p) => p.count === 0)).toBe(true)
  })

  it('follows an incident that is moved to another cell', async () => {
    const target = latLngToCell(S + 3.5 * STEP, W + 3.5 * STEP, 11)
    const before = byCell((await get(`/api/v1/analytics/counts?cells=h3&res=11&${window}`)).body).get(target)?.count ?? 0
    await db().query(`UPDATE incident SET geom = ST_SetSRID(ST_MakePoint($1, $2), 4326) WHERE id = (SELECT min(id) FROM incident)`, [W + 3.5 * STEP, S + 3.5 * STEP])
    const after = byCell((await get(`/api/v1/analytics/counts?cells=h3&res=11&from=${FROM}&to=2026-03-30T00:00:00Z`)).body).get(target)?.count
    expect(after).toBe(before + 1)
    await db().query(`UPDATE incident SET geom = ST_SetSRID(ST_MakePoint($1, $2), 4326) WHERE id = (SELECT min(id) FROM incident)`, [data[0].lon, data[0].lat])
    // A deleted incident leaves the counts (the id is kept: later tests count every fixture incident).
    const total = async () => (await get(`/api/v1/analytics/counts?from=${FROM}&to=2026-03-31T00:00:00Z`)).body.meta.total
    const [row] = (await db().query<Record<string, unknown>>('SELECT * FROM incident WHERE id = (SELECT max(id) FROM incident)')).rows
    await db().query('DELETE FROM incident WHERE id = $1', [row.id])
    expect(await total()).toBe(data.length - 1)
    const cols = Object.keys(row)
    await db().query(`INSERT INTO incident (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM json_populate_record(NULL::incident, $1::json)`, [JSON.stringify(row)])
    expect((await get(`/api/v1/analytics/counts?from=${FROM}&to=2026-04-01T00:00:00Z`)).body.meta.total).toBe(data.length)
  })

  it('counts per grid with every filter applied in SQL, and rates per km² and per resident', async () => {
    const all = byCell((await get(`/api/v1/analytics/counts?${window}`)).body)
    expect(PER_GRID.map((_, k) => all.get(codeOf(k))?.count)).toEqual(PER_GRID)
    const g0 = all.get(codeOf(0))
    // 0.002° × 0.002° at 34.9° S: 0.002·metresPerDegree().lon × 0.002·….lat m².
    const s = metresPerDegree(S + STEP / 2)
    expect(g0.areaKm2).toBeCloseTo((0.002 * s.lon * 0.002 * s.lat) / 1e6, 3)
    expect(g0.perKm2).toBeCloseTo(40 / g0.areaKm2, 0)
    expect(g0.per1000Residents).toBe(20)
    expect(all.get(codeOf(1)).per1000Residents).toBeNull()

    const local = (d: Date) => new Date(d.getTime() - 3 * 3_600_000)
    const cases: Array<[string, (f: Fixture) => boolean]> = [
      ['hours=7-9,18', (f) => [7, 8, 9, 18].includes(local(f.at).getUTCHours())],
      ['days=6-7', (f) => [0, 6].includes(local(f.at).getUTCDay())],
      ['category=PT', (f) => f.category.startsWith('PT')],
      ['category=EV-0101,PT-02', (f) => f.category === 'EV-0101' || f.category.startsWith('PT-02')],
      ['source=patrol,camera', (f) => f.source !== 'citizen'],
      ['priority=1,4', (f) => f.priority === 1 || f.priority === 4],
      ['area=999001001002', (f) => f.grid >= 8],
      [`from=2026-03-10T00:00:00Z&to=2026-03-20T00:00:00Z`, (f) => f.at >= new Date('2026-03-10') && f.at < new Date('2026-03-20')],
    ]
    for (const [query, keep] of cases) {
      const body = (await get(`/api/v1/analytics/counts?${query.startsWith('from') ? query : `${window}&${query}`}`)).body
      const expected = countPerCell(data.filter(keep).flatMap((d) => [d.grid, 0]), (k) => codeOf(k))
      const got = byCell(body)
      expect(body.meta.total, query).toBe(data.filter(keep).length)
      for (const [code, n] of expected) expect(got.get(code)?.count, `${query} ${code}`).toBe(n)
    }
  })

  it('limits every view to the caller’s jurisdiction, in the query', async () => {
    const street: Principal = { ...everyone, role: 'supervisor', areas: ['999001001002'] }
    const counts = (await get(`/api/v1/analytics/counts?${window}`, street)).body
    expect(counts.features.map((f: any) => f.properties.cell).sort()).toEqual(Array.from({ length: 8 }, (_, i) => codeOf(i + 8)))
    expect(counts.meta.total).toBe(PER_GRID.slice(8).reduce((a, b) => a + b, 0))
    const h3 = (await get(`/api/v1/analytics/counts?cells=h3&res=9&${window}`, street)).body
    expect(h3.meta.total).toBe(counts.meta.total)
    const kde = (await get(`/api/v1/analytics/kde?${window}&cellM=50`, street)).body
    expect(kde.total).toBe(counts.meta.total)
    expect((await get(`/api/v1/analytics/counts?${window}&area=999001001001`, street)).body.meta.total).toBe(0)
  })

  it('finds the Gi* hot spot with the z-scores of the published formula on queen contiguity', async () => {
    const r = await get(`/api/v1/analytics/hotspots?method=gistar&cells=grid&weights=queen&${window}`)
    expect(r.status).toBe(200)
    expect(r.body.meta).toMatchObject({ method: 'gistar', weights: 'queen', fdr: 'benjamini-hochberg', selfIncluded: true, cellCount: 16 })
    const got = byCell(r.body)
    // Independent of queenWeights: on a 4 × 4 lattice, queen neighbours differ by at most one row and one column.
    const x = PER_GRID
    const n = 16, mean = x.reduce((a, b) => a + b, 0) / n
    const sd = Math.sqrt(x.reduce((a, b) => a + b * b, 0) / n - mean * mean)
    for (let k = 0; k < n; k++) {
      const near = x.map((_, j) => j).filter((j) => Math.abs((j % 4) - (k % 4)) <= 1 && Math.abs(Math.floor(j / 4) - Math.floor(k / 4)) <= 1)
      const wsum = near.length
      const z = (near.reduce((a, j) => a + x[j], 0) - mean * wsum) / (sd * Math.sqrt((n * wsum - wsum * wsum) / (n - 1)))
      const p = got.get(codeOf(k))
      expect(p.z, `grid ${k}`).toBeCloseTo(z, 3)
      expect(p.p).toBeCloseTo(twoSidedNormalP(z), 6)
      expect(p.pFdr).toBeGreaterThanOrEqual(p.p - 1e-12)
    }
    expect(got.get(codeOf(0)).class).toMatch(/^hot-/)
    expect(got.get(codeOf(15)).class).not.toMatch(/^hot-/)

    const band = await get(`/api/v1/analytics/hotspots?cells=grid&weights=distance&band=250&${window}`)
    expect(band.body.meta.bandM).toBe(250)
    // 250 m reaches the grids east-west (~183 m) and north-south (~222 m) but not diagonally (~287 m).
    const rookish = byCell(band.body).get(codeOf(5))
    expect(rookish.z).not.toBeCloseTo(got.get(codeOf(5)).z, 3)
    const h3 = await get(`/api/v1/analytics/hotspots?cells=h3&res=9&weights=queen&${window}`)
    expect(h3.body.features.length).toBeGreaterThan(10)
    expect(h3.body.features.every((f: any) => typeof f.properties.z === 'number' && f.properties.class)).toBe(true)
  })

  it('draws a KDE surface that holds the incidents it was given', async () => {
    const r = await get(`/api/v1/analytics/kde?${window}&cellM=25&bandwidth=150`)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ kernel: 'quartic', bandwidthRule: 'chosen', bandwidthM: 150, total: data.length })
    expect(r.body.values).toHaveLength(r.body.cols * r.body.rows)
    // The surface spans the grids; some mass of the edge incidents' kernels falls outside it.
    const mass = r.body.values.reduce((a: number, v: number) => a + v, 0) * 0.025 * 0.025
    expect(mass).toBeGreaterThan(0.8 * data.length)
    expect(mass).toBeLessThanOrEqual(data.length * 1.01)
    const auto = await get(`/api/v1/analytics/kde?${window}`)
    expect(auto.body.bandwidthRule).toBe('automatic')
    expect(auto.body.bandwidthM).toBeGreaterThan(50)
  })

  it('compares a window with the one before it cell by cell', async () => {
    const mid = '2026-03-15T00:00:00.000Z'
    const r = await get(`/api/v1/analytics/compare?from=${mid}&to=${TO}&baseline=previous`)
    expect(r.status).toBe(200)
    expect(r.body.meta.before).toMatchObject({ from: FROM, to: mid })
    const got = byCell(r.body)
    for (let k = 0; k < 16; k++) {
      const before = data.filter((d) => d.grid === k && d.at < new Date(mid)).length
      const after = data.filter((d) => d.grid === k && d.at >= new Date(mid)).length
      expect(got.get(codeOf(k))).toMatchObject({ before, after, change: after - before })
      expect(got.get(codeOf(k)).p).toBeCloseTo(binomialTwoSidedP(after, before + after, 0.5), 9)
    }
  })

  it('scores a map of the first half against the second half (PAI)', async () => {
    const r = await get(`/api/v1/analytics/pai?from=${FROM}&to=2026-03-15T00:00:00Z&k=24`)
    expect(r.status).toBe(200)
    // Grids of 6.25 % of the area each (to within the change of scale across 0.008° of latitude): 24 % takes
    // whole grids until it is covered, i.e. the 4 densest of the first half.
    const first = PER_GRID.map((_, k) => data.filter((d) => d.grid === k && d.at < new Date('2026-03-15')).length)
    const second = PER_GRID.map((_, k) => data.filter((d) => d.grid === k && d.at >= new Date('2026-03-15')).length)
    const top = first.map((n, k) => [n, k]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, 4).map(([, k]) => k)
    const hit = top.reduce((a, k) => a + second[k], 0) / second.reduce((a, b) => a + b, 0)
    expect(r.body.test).toMatchObject({ from: '2026-03-15T00:00:00.000Z', to: TO })
    expect(r.body.results[0].cells).toBe(4)
    expect(r.body.results[0].hitRate).toBeCloseTo(hit, 4)
    expect(r.body.results[0].pai).toBeCloseTo(hit / r.body.results[0].areaShare, 3)
  })

  it('serves the evaluation per grid with its formulas', async () => {
    const r = await get(`/api/v1/analytics/evaluation?level=grid&${window}`)
    expect(r.status).toBe(200)
    expect(r.body.formulas.closureRate.zh).toMatch(/结案率/)
    expect(r.body.rows.map((row: any) => [row.code, row.reported])).toEqual(
      PER_GRID.flatMap((n, k) => (n > 0 ? [[codeOf(k), n]] : [])),
    )
    // Nothing in the fixture was filed, so no rate has a denominator.
    expect(r.body.rows[0]).toMatchObject({ filed: 0, closureRate: null })
  })

  it('caches a closed window and answers again from the cache', async () => {
    const q = `/api/v1/analytics/hotspots?cells=grid&${window}&priority=2`
    expect((await get(q)).body.meta.cached).toBe(false)
    expect((await get(q)).body.meta.cached).toBe(true)
    const open = `/api/v1/analytics/counts?from=${FROM}`
    await get(open)
    expect((await get(open)).body.meta.cached).toBe(false)
  })

  it('rejects bad queries with the path of each problem, and roles without analytics', async () => {
    const bad = await get(`/api/v1/analytics/counts?hours=7-25&from=${TO}&to=${FROM}&cells=hex`)
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.map((d: any) => d.path).sort()).toEqual(['query.cells', 'query.hours'])
    const order = await get(`/api/v1/analytics/counts?from=${TO}&to=${FROM}`)
    expect(order.body.error.details.map((d: any) => d.path)).toEqual(['query.from'])
    expect((await get(`/api/v1/analytics/kde?${window}&cellM=10&bbox=-57,-35,-55,-34`)).status).toBe(400)
    for (const role of ['wall', 'grid_worker', 'auditor'] as Role[]) {
      expect((await get(`/api/v1/analytics/counts?${window}`, { ...everyone, role })).status).toBe(403)
    }
  })
})
