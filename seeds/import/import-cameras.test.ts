import { readFileSync } from 'node:fs'
import { beforeAll, expect, it } from 'vitest'
import { describeBackends } from '../../server/testing/backends.ts'
import { CAMERA_PLACEMENTS, CAMERA_STATUSES, CAMERA_COLUMNS, STREAM_KINDS } from '../../geo/import/camera-records.ts'
import { formatIssue } from '../../geo/import/import-report.ts'
import { importFiles, type ImportFile } from './import-files.ts'

const fixture = (name: string) => readFileSync(new URL(`../../geo/import/fixtures/${name}`, import.meta.url), 'utf8')
const cameras = (path: string, text = fixture(path)): ImportFile => ({ path, kind: 'cameras', text })

describeBackends('cameras import', ({ db }) => {
  const rows = async <R>(sql: string, params: unknown[] = []) => (await db().query<R>(sql, params)).rows
  beforeAll(async () => {
    expect((await importFiles(db(), [{ path: 'four-grids.geojson', kind: 'grids', text: fixture('four-grids.geojson') }])).outcome).toBe('written')
  })

  it('accepts exactly the placements and statuses the camera table allows', async () => {
    const checks = await rows<{ def: string }>(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'camera'::regclass AND contype = 'c'`)
    const allowed = (column: string) => checks.find((c) => c.def.includes(`(${column} = ANY`))!.def.match(/'[a-z_]+'/g)!.map((s) => s.slice(1, -1))
    expect(allowed('placement')).toEqual([...CAMERA_PLACEMENTS])
    expect(allowed('status')).toEqual([...CAMERA_STATUSES])
    expect(allowed('stream_kind')).toEqual([...STREAM_KINDS])
  })

  it('stores how a browser plays a camera, so imported cameras stream on the wall', async () => {
    const csv = [
      CAMERA_COLUMNS.header.join(','),
      'CAM-HLS,Gate,,-56.1995,-34.8995,90,60,80,main_road,city,,https://media.example.org/gate/index.m3u8,hls,online',
    ].join('\n')
    expect((await importFiles(db(), [cameras('streams.csv', csv)])).outcome).toBe('written')
    expect(await rows(`SELECT stream_url, stream_kind FROM camera WHERE id = 'CAM-HLS'`)).toEqual([
      { stream_url: 'https://media.example.org/gate/index.m3u8', stream_kind: 'hls' },
    ])
    // The tests below start from no cameras.
    await db().query(`DELETE FROM camera WHERE id = 'CAM-HLS'`)
  })

  it('rejects a CSV with a bad line, naming the line and the fields, and writes none of it', async () => {
    const r = await importFiles(db(), [cameras('cameras-bad-line.csv')])
    expect(r.outcome).toBe('rejected')
    expect(r.reports[0].issues.map(formatIssue)).toEqual([
      'line 3, field heading_deg: error: must be 0…360',
      expect.stringMatching(/^line 3, field placement: error: must be one of /),
    ])
    expect(await rows('SELECT id FROM camera')).toEqual([])
  })

  it('adds cameras in the grid they look from, snapping one just outside the city', async () => {
    const r = await importFiles(db(), [cameras('cameras.csv')])
    expect(r.outcome).toBe('written')
    expect(r.reports[0].counts).toEqual({ cameras: 3 })
    expect(r.reports[0].changes).toEqual({ added: 3, updated: 0, 'camera grid codes changed': 3 })
    expect(await rows('SELECT id, name, frigate_name, stream_url, status, grid_code FROM camera ORDER BY id')).toEqual([
      { id: 'CAM-001', name: '海滨路口, 北', frigate_name: 'seafront_n', stream_url: 'rtsp://10.0.0.5/stream1', status: 'online', grid_code: '999001001001001' },
      { id: 'CAM-002', name: 'The "Park" gate', frigate_name: null, stream_url: null, status: 'online', grid_code: '999001001002002' },
      { id: 'CAM-003', name: 'Outer road', frigate_name: 'outer_road', stream_url: null, status: 'maintenance', grid_code: '999001001001002' },
    ])
  })

  it('updates cameras by id, even when two swap their Frigate names, and keeps their alerts', async () => {
    await db().query(`INSERT INTO camera_alert (source, source_id, camera_id, type, started_at) VALUES ('frigate', 'r1', 'CAM-001', 'person', now())`)
    const swapped = fixture('cameras.csv').replace(',seafront_n,', ',outer_road,').replace(',outer_road,,', ',seafront_n,,').replace(',90,60,80,', ',135,60,80,')
    const r = await importFiles(db(), [cameras('cameras.csv', swapped)])
    expect(r.outcome).toBe('written')
    expect(r.reports[0].changes).toEqual({ added: 0, updated: 3 })
    expect(await rows(`SELECT id, frigate_name, heading_deg FROM camera WHERE frigate_name IS NOT NULL ORDER BY id`)).toEqual([
      { id: 'CAM-001', frigate_name: 'outer_road', heading_deg: 135 },
      { id: 'CAM-003', frigate_name: 'seafront_n', heading_deg: 180 },
    ])
    expect(await rows('SELECT camera_id FROM camera_alert')).toEqual([{ camera_id: 'CAM-001' }])
  })

  it('refuses a file that is not UTF-8, as a GBK spreadsheet export reads', async () => {
    const r = await importFiles(db(), [cameras('cameras.csv', fixture('cameras.csv').replace('海滨', '\uFFFD\uFFFD'))])
    expect(r.reports[0].issues.map(formatIssue)).toEqual(['error: not UTF-8 text: save the file as UTF-8 (in Excel: "CSV UTF-8")'])
  })

  it('refuses a Frigate name that another camera in the database already has', async () => {
    const header = fixture('cameras.csv').split('\n')[0]
    const r = await importFiles(db(), [cameras('cameras.csv', `${header}\nCAM-009,New,,-56.1995,-34.8995,0,90,30,downtown,city,seafront_n,,\n`)])
    expect(r.outcome).toBe('rejected')
    expect(r.reports[0].issues.map(formatIssue)).toEqual(['line 2, field frigate_name: error: seafront_n is already the Frigate name of camera CAM-003'])
  })
})
