import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { describeBackends } from '../../server/testing/backends.ts'
import { formatIssue } from '../../geo/import/import-report.ts'
import { COMMAND_CENTRE_ORG } from '../load/load-catalogue.ts'
import { importFiles, type ImportFile } from './import-files.ts'

const fixture = (name: string) => readFileSync(new URL(`../../geo/import/fixtures/${name}`, import.meta.url), 'utf8')
const grids = (path: string, text = fixture(path)): ImportFile => ({ path, kind: 'grids', text })

/** The four grids with their codes rewritten, e.g. to move grids into another community. */
const recoded = (from: string, to: string, extra: unknown[] = []) => {
  const doc = JSON.parse(fixture('four-grids.geojson').replaceAll(from, to))
  doc.features.push(...extra)
  return grids('recoded-grids.geojson', JSON.stringify(doc))
}

const SHAPE_OF_THE_AREAS = `SELECT code, level, parent_code, name, org_code, households, ST_AsText(geom) AS wkt FROM admin_area ORDER BY code`

describeBackends('grids import', ({ db }) => {
  const rows = async <R>(sql: string, params: unknown[] = []) => (await db().query<R>(sql, params)).rows

  it('writes nothing on a dry run', async () => {
    const r = await importFiles(db(), [grids('four-grids.geojson')], { dryRun: true })
    expect(r.outcome).toBe('validated')
    expect(await rows('SELECT code FROM admin_area')).toEqual([])
  })

  it('imports a city of unit grids, drawing its parents and re-gridding what lies in it', async () => {
    const place = (lon: number, lat: number) =>
      db().query(
        `INSERT INTO incident (source, priority, state, geom, reported_at, grid_code)
         VALUES ('operator', 3, 'reported', ST_SetSRID(ST_MakePoint($1, $2), 4326), now(), 'stale') RETURNING id`,
        [lon, lat],
      )
    await place(-56.1985, -34.8985) // inside grid 4
    await place(-56.19778, -34.8995) // 20 m east of grid 2, outside the city
    await place(-56.21, -34.9) // 900 m west of the city

    const r = await importFiles(db(), [grids('four-grids.geojson')])
    expect(r.outcome).toBe('written')
    expect(r.reports[0].counts).toEqual({ features: 4, grids: 4, communities: 2, streets: 1, cities: 1, 'drawn from their children': 4 })
    expect(r.reports[0].changes).toEqual({ 'user grants removed': 0, 'incident grid codes changed': 3, 'incident outside every grid': 1 })

    const areas = await rows<{ code: string; level: string; parent_code: string | null; name: string; org_code: string | null; households: number; km2: number; valid: boolean }>(
      `SELECT code, level, parent_code, name, org_code, households, area_km2 AS km2, ST_IsValid(geom) AS valid FROM admin_area ORDER BY code`,
    )
    expect(areas.map((a) => [a.code, a.level, a.parent_code, a.name, a.org_code, a.households])).toEqual([
      ['999001', 'city', null, '999001', COMMAND_CENTRE_ORG, 1600],
      ['999001001', 'street', '999001', '999001001', null, 1600],
      ['999001001001', 'community', '999001001', '999001001001', null, 790],
      ['999001001001001', 'grid', '999001001001', '海滨一网格', null, 380],
      ['999001001001002', 'grid', '999001001001', '海滨二网格', null, 410],
      ['999001001002', 'community', '999001001', '999001001002', null, 810],
      ['999001001002001', 'grid', '999001001002', '公园一网格', null, 350],
      ['999001001002002', 'grid', '999001001002', '公园二网格', null, 460],
    ])
    expect(areas.every((a) => a.valid)).toBe(true)
    // 0.001 degree squares at 35 degrees south: 91 m x 111 m.
    expect(areas[3].km2).toBeCloseTo(0.01014, 4)
    expect(areas[0].km2).toBeCloseTo(4 * areas[3].km2, 6)
    expect(await rows('SELECT kind FROM org WHERE code = $1', [COMMAND_CENTRE_ORG])).toEqual([{ kind: 'command_centre' }])

    const placed = await rows<{ grid_code: string | null }>('SELECT grid_code FROM incident ORDER BY id')
    expect(placed.map((p) => p.grid_code)).toEqual(['999001001002002', '999001001001002', null])
    expect(await rows('SELECT details FROM dataset WHERE name = $1', ['import-grids'])).toEqual([
      { details: expect.objectContaining({ file: 'four-grids.geojson' }) },
    ])
  })

  it('keeps the jurisdiction grants whose area is still there and counts the others it removes', async () => {
    const [user] = await rows<{ id: number }>(`INSERT INTO app_user (username, display_name, role) VALUES ('li', 'Li', 'supervisor') RETURNING id`)
    await db().query(`INSERT INTO user_grant (user_id, area_code) VALUES ($1, '999001001'), ($1, '999001001001')`, [user.id])
    // Grids 1 and 2 move from community 001 to community 003; the street stays.
    const r = await importFiles(db(), [recoded('999001001001', '999001001003')])
    expect(r.outcome).toBe('written')
    expect(r.reports[0].changes['user grants removed']).toBe(1)
    expect(await rows('SELECT area_code FROM user_grant')).toEqual([{ area_code: '999001001' }])
    expect(await rows(`SELECT grid_code FROM incident WHERE grid_code LIKE '999001001003%'`)).toEqual([{ grid_code: '999001001003002' }])
  })

  it('repairs a bow-tie polygon, reports it, and stores the repaired shape', async () => {
    const r = await importFiles(db(), [grids('bow-tie-grids.geojson')])
    expect(r.outcome).toBe('written')
    expect(r.reports[0].issues.map(formatIssue)).toEqual([
      expect.stringMatching(/^feature 3 \(code 999001001002002\), field geometry: fixed: Self-intersection\[.*\] \(area 10,038 m² → 10,042 m²\)$/),
    ])
    const [grid] = await rows<{ valid: boolean; type: string }>(
      `SELECT ST_IsValid(geom) AS valid, GeometryType(geom) AS type FROM admin_area WHERE code = '999001001002002'`,
    )
    expect(grid).toEqual({ valid: true, type: 'MULTIPOLYGON' })
  })

  it('rejects a file with bad features and leaves the database as it was', async () => {
    const before = await rows(SHAPE_OF_THE_AREAS)
    const bad = await importFiles(db(), [grids('bad-properties-grids.geojson')])
    expect(bad.outcome).toBe('rejected')
    expect(bad.reports[0].issues.filter((i) => i.severity === 'error')).toHaveLength(9)

    // A bow-tie with equal lobes has no area to keep: repairing it would invent one.
    const doc = JSON.parse(fixture('four-grids.geojson'))
    doc.features[3].geometry.coordinates = [[[-56.199, -34.899], [-56.198, -34.898], [-56.198, -34.899], [-56.199, -34.898], [-56.199, -34.899]]]
    const bowTie = await importFiles(db(), [grids('even-bow-tie-grids.geojson', JSON.stringify(doc))])
    expect(bowTie.outcome).toBe('rejected')
    expect(bowTie.reports[0].issues.map(formatIssue)).toEqual([
      expect.stringMatching(/^feature 3 \(code 999001001002002\), field geometry: error: invalid: Self-intersection.*; repairing it would change its area from 0 m² to 5,070 m², so it must be redrawn$/),
    ])
    expect(await rows(SHAPE_OF_THE_AREAS)).toEqual(before)
  })

  it('reports overlaps and gaps as warnings, and as errors that block writing under --strict', async () => {
    const before = await rows(SHAPE_OF_THE_AREAS)
    const strict = await importFiles(db(), [grids('overlap-gap-grids.geojson')], { strict: true })
    expect(strict.outcome).toBe('rejected')
    expect(strict.reports[0].issues.map(formatIssue)).toEqual([
      'feature 0 (code 999001001001001): error: overlaps grid 999001001001002 (feature 1) by 1,014 m²',
      'error: gap of 406 m² between the grids around -56.198900, -34.898900 (lon, lat)',
    ])
    expect(await rows(SHAPE_OF_THE_AREAS)).toEqual(before)

    const lenient = await importFiles(db(), [grids('overlap-gap-grids.geojson')])
    expect(lenient.outcome).toBe('written')
    expect(lenient.reports[0].issues.map((i) => i.severity)).toEqual(['warning', 'warning'])
  })

  it('keeps the org of an area that units still name, and renames it with the area', async () => {
    const named = (orgName: string) => [
      { type: 'Feature', geometry: null, properties: { code: '999001001001', name: '海滨社区', org_name: orgName } },
      { type: 'Feature', geometry: null, properties: { code: '999001001002', name: '公园社区' } },
    ]
    expect((await importFiles(db(), [recoded('@', '@', named('海滨社区居委会'))])).outcome).toBe('written')
    await db().query(`INSERT INTO unit (id, callsign, type, org_code, shift) VALUES ('GW-1', '网格01', 'grid_worker', 'AREA-999001001001', 'day')`)

    const again = await importFiles(db(), [recoded('@', '@', named('海滨社区居民委员会'))])
    expect(again.outcome).toBe('written')
    expect(await rows(`SELECT name, kind, area_code FROM org WHERE code = 'AREA-999001001001'`)).toEqual([
      { name: '海滨社区居民委员会', kind: 'community_committee', area_code: '999001001001' },
    ])
    expect(await rows(`SELECT org_code FROM admin_area WHERE code = '999001001001'`)).toEqual([{ org_code: 'AREA-999001001001' }])

    expect((await importFiles(db(), [grids('four-grids.geojson')])).outcome).toBe('written')
    expect(await rows(`SELECT count(*)::int AS n FROM org WHERE code = 'AREA-999001001001'`)).toEqual([{ n: 1 }])
  })
})
