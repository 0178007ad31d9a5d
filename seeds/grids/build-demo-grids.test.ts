import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../server/db/db.ts'
import { openTestDb } from '../../server/testing/backends.ts'
import { adminAreaSchema, type AdminArea } from '../../geo/grids/admin-area.ts'
import { parentOfCode } from '../../geo/grids/grid-codes.ts'
import { loadMontevideo, MONTEVIDEO_BBOX } from '../osm/city-layers.ts'
import { gridDemoCity, type DemoGridStats } from './build-demo-grids.ts'

/** Whole-city checks in PostGIS, which judges validity and areas independently of our own geometry code. */
describe('demo grids of Montevideo', () => {
  let areas: AdminArea[] = []
  let stats: DemoGridStats
  let db: Db
  let dispose: (() => Promise<void>) | undefined
  const one = async <T = number>(sql: string): Promise<T> => Object.values((await db.query(sql)).rows[0])[0] as T

  beforeAll(async () => {
    ;({ areas, stats } = await gridDemoCity(await loadMontevideo()))
    ;({ db, dispose } = await openTestDb('pglite'))
    await db.exec('CREATE TEMP TABLE area (code text PRIMARY KEY, level text NOT NULL, parent_code text, geom geometry(MultiPolygon, 4326) NOT NULL)')
    for (let i = 0; i < areas.length; i += 200) {
      const rows = areas.slice(i, i + 200).map((a) => ({ code: a.code, level: a.level, parent: a.parentCode, geometry: a.geometry }))
      await db.query(
        `INSERT INTO area SELECT r->>'code', r->>'level', r->>'parent', ST_SetSRID(ST_GeomFromGeoJSON(r->'geometry'), 4326)
           FROM jsonb_array_elements($1::jsonb) r`,
        [JSON.stringify(rows)],
      )
    }
  })
  afterAll(async () => {
    await dispose?.()
  })

  it('has valid records with unique codes that extend their parent codes', () => {
    for (const a of areas) adminAreaSchema.parse(a)
    const codes = new Set(areas.map((a) => a.code))
    expect(codes.size).toBe(areas.length)
    for (const a of areas) expect(a.parentCode).toBe(parentOfCode(a.code))
    for (const a of areas) if (a.parentCode) expect(codes.has(a.parentCode)).toBe(true)
    const count = (level: AdminArea['level']) => areas.filter((a) => a.level === level).length
    expect(count('city')).toBe(1)
    expect(count('street')).toBeGreaterThanOrEqual(5)
    expect(count('grid')).toBeGreaterThan(500)
  })

  it('gives every area a valid geometry', async () => {
    expect(await one(`SELECT count(*)::int FROM area WHERE NOT ST_IsValid(geom)`)).toBe(0)
  })

  it('covers the city boundary with grids, without gaps', async () => {
    const city = await one(`SELECT ST_Area(geom::geography) FROM area WHERE level = 'city'`)
    const union = await one(`SELECT ST_Area(ST_Union(geom)::geography) FROM area WHERE level = 'grid'`)
    expect(Math.abs(union / city - 1)).toBeLessThan(1e-3)
    // And the boundary is the whole frame of the data less the open water.
    const [w, s, e, n] = MONTEVIDEO_BBOX
    const frame = await one(`SELECT ST_Area(ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326)::geography)`)
    expect(Math.abs((city + stats.openWaterKm2 * 1e6) / frame - 1)).toBeLessThan(1e-3)
  })

  it('has no overlapping grids', async () => {
    const sum = await one(`SELECT sum(ST_Area(geom::geography)) FROM area WHERE level = 'grid'`)
    const union = await one(`SELECT ST_Area(ST_Union(geom)::geography) FROM area WHERE level = 'grid'`)
    expect(Math.abs(sum / union - 1)).toBeLessThan(1e-3)
    const overlapping = await one(`
      SELECT count(*)::int FROM area a JOIN area b
        ON a.level = 'grid' AND b.level = 'grid' AND a.code < b.code AND a.geom && b.geom AND ST_Intersects(a.geom, b.geom)
       WHERE ST_Area(ST_Intersection(a.geom, b.geom)::geography) > 1`)
    expect(overlapping).toBe(0)
  })

  it('makes each street, community and the city the union of its children', async () => {
    const worst = await one(`
      SELECT max(ST_Area(ST_SymDifference(p.geom, c.geom)::geography))
        FROM area p JOIN LATERAL (SELECT ST_Union(geom) geom FROM area WHERE parent_code = p.code) c ON true
       WHERE p.level <> 'grid'`)
    expect(worst).toBeLessThan(1)
    for (const a of areas.filter((x) => x.level !== 'grid')) {
      const kids = areas.filter((x) => x.parentCode === a.code)
      expect(a.households).toBe(kids.reduce((s, k) => s + k.households, 0))
    }
  })

  it('gives the same areas for the same city', async () => {
    const again = await gridDemoCity(await loadMontevideo())
    expect(JSON.stringify(again.areas)).toBe(JSON.stringify(areas))
  })

  it('sizes grids for grid workers and keeps nearly every address inside the city', () => {
    const grids = areas.filter((a) => a.level === 'grid')
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
    expect(median(grids.map((g) => g.households))).toBeGreaterThan(150)
    expect(median(grids.map((g) => g.areaKm2))).toBeLessThan(0.35)
    const city = areas.find((a) => a.level === 'city')!
    expect(stats.addressesOutside / (city.households + stats.addressesOutside)).toBeLessThan(0.01)
  })
})
