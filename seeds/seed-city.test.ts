import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { afterAll, expect, it } from 'vitest'
import { describeBackends } from '../server/testing/backends.ts'
import { cityStats } from './city-stats.ts'
import { ensureDemoCity } from './seed-city.ts'

const log = pino({ level: 'silent' })
const dirs: string[] = []
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

const opts = () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-seed-'))
  dirs.push(dataDir)
  return { dataDir, incidents: 3000, units: 60, cameras: 80, end: new Date('2026-06-01T00:00:00Z') }
}

describeBackends('demo city', ({ db }) => {
  let dataDir = ''

  it('loads Montevideo with the expected hierarchy, road graph and content', { timeout: 120_000 }, async () => {
    const o = opts()
    dataDir = o.dataDir
    await ensureDemoCity(db(), o, log)
    const s = await cityStats(db())
    expect([s.streets, s.communities, s.grids]).toEqual([12, 84, 866])
    expect(s.cityKm2).toBeGreaterThan(270)
    expect(s.cityKm2).toBeLessThan(285)
    expect(s.roadEdges).toBeGreaterThan(28_000)
    expect(s.roadEdges).toBeLessThan(30_500)
    expect(s.roadKm).toBeGreaterThan(3000)
    expect(s.roadKm).toBeLessThan(3200)
    expect(s.stations).toBe(35)
    expect([s.units, s.cameras, s.incidents]).toEqual([60, 80, 3000])
    expect(existsSync(join(dataDir, 'basemap', 'tiles.json'))).toBe(true)
  })

  it('stores grids that tile the city: no overlaps, no gaps, each inside its community', { timeout: 60_000 }, async () => {
    const overlaps = await db().query<{ n: number }>(`
      SELECT count(*)::int AS n FROM admin_area a JOIN admin_area b
        ON a.code < b.code AND a.geom && b.geom AND a.level = 'grid' AND b.level = 'grid'
      WHERE ST_Area(ST_Intersection(a.geom, b.geom)::geography) > 1`)
    expect(overlaps.rows[0]!.n).toBe(0)
    const gap = await db().query<{ m2: number }>(`
      SELECT ST_Area(ST_SymDifference(
        (SELECT ST_Union(geom) FROM admin_area WHERE level = 'grid'),
        (SELECT geom FROM admin_area WHERE level = 'city'))::geography)::float8 AS m2`)
    expect(gap.rows[0]!.m2).toBeLessThan(100)
    const outside = await db().query<{ n: number }>(`
      SELECT count(*)::int AS n FROM admin_area g JOIN admin_area c ON c.code = g.parent_code
      WHERE g.level = 'grid' AND ST_Area(ST_Difference(g.geom, c.geom)::geography) > 1`)
    expect(outside.rows[0]!.n).toBe(0)
  })

  it('gives every placed thing the grid it lies in and every open case a deadline', async () => {
    const r = await db().query<{ incidents: number; unplaced: number; wrong: number; open_without_deadline: number; open: number }>(`
      SELECT count(*)::int AS incidents,
             count(*) FILTER (WHERE grid_code IS NULL)::int AS unplaced,
             count(*) FILTER (WHERE grid_code IS NOT NULL AND NOT EXISTS (
               SELECT 1 FROM admin_area g WHERE g.code = incident.grid_code
               AND ST_DWithin(g.geom::geography, incident.geom::geography, 41)))::int AS wrong,
             count(*) FILTER (WHERE closed_at IS NULL AND state NOT IN ('verified') AND deadline_at IS NULL)::int AS open_without_deadline,
             count(*) FILTER (WHERE closed_at IS NULL)::int AS open
      FROM incident`)
    const row = r.rows[0]!
    expect(row.wrong).toBe(0)
    // History lands on addresses and real places, nearly all inside the grids (a few on piers and islets).
    expect(row.unplaced / row.incidents).toBeLessThan(0.01)
    expect(row.open).toBeGreaterThan(0)
    expect(row.open_without_deadline).toBe(0)
    const cams = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM camera WHERE grid_code IS NULL')
    expect(cams.rows[0]!.n).toBe(0)
  })

  it('does nothing the second time', async () => {
    const before = await cityStats(db())
    const details = await ensureDemoCity(db(), { dataDir, incidents: 999, units: 1 }, log)
    expect(details?.incidents).toBe(3000)
    expect(await cityStats(db())).toEqual(before)
  })
})

describeBackends('demo city over an imported one', ({ db }) => {
  it('leaves an imported city alone and says so', async () => {
    await db().query(`INSERT INTO dataset (name, details) VALUES ('import-grids', '{}')`)
    const o = opts()
    expect(await ensureDemoCity(db(), o, log)).toBeNull()
    expect((await cityStats(db())).grids).toBe(0)
    expect(existsSync(join(o.dataDir, 'basemap', 'tiles.json'))).toBe(false)
  })
})
