import { readFileSync } from 'node:fs'
import { beforeAll, expect, it } from 'vitest'
import { describeBackends } from '../../server/testing/backends.ts'
import { formatIssue } from '../../geo/import/import-report.ts'
import { importFiles, type ImportFile } from './import-files.ts'

const fixture = (name: string) => readFileSync(new URL(`../../geo/import/fixtures/${name}`, import.meta.url), 'utf8')
const units = (path: string, text = fixture(path)): ImportFile => ({ path, kind: 'units', text })

describeBackends('units import', ({ db }) => {
  const rows = async <R>(sql: string, params: unknown[] = []) => (await db().query<R>(sql, params)).rows
  beforeAll(async () => {
    expect((await importFiles(db(), [{ path: 'four-grids.geojson', kind: 'grids', text: fixture('four-grids.geojson') }])).outcome).toBe('written')
    await db().exec(`
      INSERT INTO org (code, kind, name) VALUES ('POLICE_STATION', 'department', '派出所');
      INSERT INTO station (id, name, org_code, geom) VALUES ('ST-1', '海滨派出所', 'POLICE_STATION', ST_SetSRID(ST_MakePoint(-56.1995, -34.8995), 4326));`)
  })

  it('rejects a CSV with a bad line, naming the line and the field, and writes none of it', async () => {
    const r = await importFiles(db(), [units('units-bad-line.csv')])
    expect(r.outcome).toBe('rejected')
    expect(r.reports[0].issues.map(formatIssue)).toEqual([
      'line 4, field home_lat: error: a home needs both home_lon and home_lat',
      'line 3, field station_id: error: no station ST-9 in the database',
    ])
    expect(await rows('SELECT id FROM unit')).toEqual([])
  })

  it('adds units with their devices, in the grid of their home', async () => {
    const r = await importFiles(db(), [units('units.csv')])
    expect(r.outcome).toBe('written')
    expect(r.reports[0].counts).toEqual({ units: 3, devices: 2 })
    expect(r.reports[0].changes).toEqual({ added: 3, updated: 0, 'unit grid codes changed': 2 })
    expect(await rows('SELECT id, station_id, org_code, grid_code, status FROM unit ORDER BY id')).toEqual([
      { id: 'U-001', station_id: 'ST-1', org_code: 'POLICE_STATION', grid_code: '999001001001001', status: 'available' },
      { id: 'U-002', station_id: null, org_code: null, grid_code: '999001001002002', status: 'available' },
      { id: 'U-003', station_id: null, org_code: null, grid_code: null, status: 'available' },
    ])
    expect(await rows('SELECT id, unit_id FROM device ORDER BY id')).toEqual([
      { id: 'dev-001', unit_id: 'U-001' },
      { id: 'dev-002', unit_id: 'U-002' },
    ])
  })

  it('updates units by id without touching their live status, and moves a device to its new unit', async () => {
    await db().query(`UPDATE unit SET status = 'on_scene' WHERE id = 'U-001'`)
    const text = fixture('units.csv').replace('day,dev-002,', 'day,,').replace('swing,,', 'swing,dev-002,').replace('巡逻01', '巡逻一')
    const r = await importFiles(db(), [units('units.csv', text)])
    expect(r.outcome).toBe('written')
    expect(r.reports[0].changes).toEqual({ added: 0, updated: 3 })
    expect(await rows(`SELECT callsign, status FROM unit WHERE id = 'U-001'`)).toEqual([{ callsign: '巡逻一', status: 'on_scene' }])
    expect(await rows(`SELECT unit_id FROM device WHERE id = 'dev-002'`)).toEqual([{ unit_id: 'U-003' }])
  })

  it('names an org that does not exist', async () => {
    const r = await importFiles(db(), [units('units.csv', 'id,callsign,type,org_code,shift\nU-004,c,grid_worker,NOBODY,day\n')])
    expect(r.reports[0].issues.map(formatIssue)).toEqual(['line 2, field org_code: error: no org NOBODY in the database'])
  })
})
