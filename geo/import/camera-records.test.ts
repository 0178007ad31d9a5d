import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { CAMERA_COLUMNS, checkCameraRecords } from './camera-records.ts'
import { formatIssue } from './import-report.ts'
import { recordsFromFile } from './source-records.ts'

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')
const fromCsv = (text: string) => {
  const source = recordsFromFile('csv', text, CAMERA_COLUMNS, { pointRequired: true })
  const checked = checkCameraRecords(source.records)
  return { cameras: checked.cameras, issues: [...source.issues, ...checked.issues].map(formatIssue) }
}

describe('camera records', () => {
  it('reads the CSV columns into cameras, quoted names included', () => {
    const { cameras, issues } = fromCsv(fixture('cameras.csv'))
    expect(issues).toEqual([])
    expect(cameras[0]).toEqual({
      place: { line: 2 }, id: 'CAM-001', name: '海滨路口, 北', name_en: 'Seafront junction north', lon: -56.1995, lat: -34.8995,
      heading_deg: 90, fov_deg: 60, range_m: 80, placement: 'main_road', owner: 'public_security', frigate_name: 'seafront_n',
      stream_url: 'rtsp://10.0.0.5/stream1', status: 'online',
    })
    expect(cameras[1]).toMatchObject({ name: 'The "Park" gate', name_en: undefined, frigate_name: undefined, status: 'online' })
  })

  it('names the line and field of every bad value', () => {
    expect(fromCsv(fixture('cameras-bad-line.csv')).issues).toEqual([
      'line 3, field heading_deg: error: must be 0…360',
      expect.stringMatching(/^line 3, field placement: error: must be one of main_road, /),
    ])
  })

  it('wants the required columns, ids and Frigate names unique, and says so', () => {
    expect(fromCsv('id,name\nA,B\n').issues).toEqual([
      expect.stringMatching(/^line 1: error: missing columns lon, lat, heading_deg, .* \(header: id,name,name_en,lon,lat,/),
    ])
    const header = CAMERA_COLUMNS.header.join(',')
    const row = (id: string, frigate: string) => `${id},N,,0,0,0,90,10,checkpoint,city,${frigate},,,`
    expect(fromCsv([header, row('A', 'f1'), row('A', 'f2'), row('B', 'f1'), 'C,N,,x,0,0,90,10,checkpoint,city,,,,,'].join('\n')).issues).toEqual([
      'line 5: error: 15 fields, but the header has 14',
      'line 3, field id: error: A is already used by line 2',
      'line 4, field frigate_name: error: f1 is already used by line 2',
    ])
  })

  it('takes a browser stream kind only with an http(s) stream URL', () => {
    const header = CAMERA_COLUMNS.header.join(',')
    const row = (id: string, url: string, kind: string) => `${id},N,,0,0,0,90,10,checkpoint,city,,${url},${kind},`
    const { cameras, issues } = fromCsv([
      header, row('A', 'https://media.example.org/cam/a/index.m3u8', 'hls'), row('B', 'rtsp://10.0.0.5/s1', 'whep'),
      row('C', 'https://media.example.org/cam/c/whep', 'webrtc'), row('D', '', 'hls'),
    ].join('\n'))
    expect(cameras.map((c) => [c.id, c.stream_kind])).toEqual([['A', 'hls']])
    expect(issues).toEqual([
      'line 3, field stream_kind: error: needs an http(s) stream_url (an HLS playlist or a WHEP endpoint)',
      'line 4, field stream_kind: error: must be one of hls, whep',
      'line 5, field stream_kind: error: needs an http(s) stream_url (an HLS playlist or a WHEP endpoint)',
    ])
  })

  it('notices a header written with semicolons and warns of columns it does not read', () => {
    expect(fromCsv('id;name;lon\n1;a;2\n').issues).toEqual(['line 1: error: fields are separated by ";": save the file with commas'])
    const header = `${CAMERA_COLUMNS.header.join(',')},notes,`
    expect(fromCsv(`${header}\nA,N,,0,0,0,90,10,checkpoint,city,,,,,x,\n`).issues).toEqual([
      'line 1, field notes: warning: unknown column, not read',
      'line 1: warning: column 16 has no name and is not read',
    ])
  })

  it('reads GeoJSON Points, the position filling lon and lat', () => {
    const text = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Point', coordinates: [-56.19, -34.9] }, properties: { id: 7, name: 'Gate', heading_deg: 10, fov_deg: 90, range_m: 30, placement: 'key_place', owner: 'unit' } },
        { type: 'Feature', geometry: null, properties: { id: 'no-point' } },
      ],
    })
    const source = recordsFromFile('geojson', text, CAMERA_COLUMNS, { pointRequired: true })
    const { cameras } = checkCameraRecords(source.records)
    expect(cameras).toMatchObject([{ id: '7', lon: -56.19, lat: -34.9, place: { feature: 0 } }])
    expect(source.issues.map(formatIssue)).toEqual(['feature 1: error: no geometry'])
  })
})
