import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { formatIssue } from './import-report.ts'
import { recordsFromFile } from './source-records.ts'
import { checkUnitRecords, UNIT_COLUMNS } from './unit-records.ts'

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')

describe('unit records', () => {
  it('reads units with and without a station, an org, a device or a home', () => {
    const { records, issues } = recordsFromFile('csv', fixture('units.csv'), UNIT_COLUMNS, { pointRequired: false })
    expect(issues).toEqual([])
    const { units } = checkUnitRecords(records)
    expect(units.map((u) => [u.id, u.station_id, u.org_code, u.device_id, u.home_lon])).toEqual([
      ['U-001', 'ST-1', 'POLICE_STATION', 'dev-001', -56.1995],
      ['U-002', undefined, undefined, 'dev-002', -56.1985],
      ['U-003', undefined, undefined, undefined, undefined],
    ])
  })

  it('wants both halves of a home, and each device on one unit only', () => {
    const { records } = recordsFromFile('csv', fixture('units-bad-line.csv'), UNIT_COLUMNS, { pointRequired: false })
    expect(checkUnitRecords(records).issues.map(formatIssue)).toEqual(['line 4, field home_lat: error: a home needs both home_lon and home_lat'])
    const twice = 'id,callsign,type,shift,device_id\nA,a,grid_worker,day,d1\nB,b,grid_worker,day,d1\n'
    const again = recordsFromFile('csv', twice, UNIT_COLUMNS, { pointRequired: false })
    expect(checkUnitRecords(again.records).issues.map(formatIssue)).toEqual(['line 3, field device_id: error: d1 is already used by line 2'])
  })

  it('takes a GeoJSON Point as the home, and a unit without one', () => {
    const text = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Point', coordinates: [-56.2, -34.9] }, properties: { id: 'U-9', callsign: 'c', type: 't', shift: 'night' } },
        { type: 'Feature', geometry: null, properties: { id: 'U-10', callsign: 'c', type: 't', shift: 'night' } },
      ],
    })
    const { records } = recordsFromFile('geojson', text, UNIT_COLUMNS, { pointRequired: false })
    const { units } = checkUnitRecords(records)
    expect(units).toMatchObject([{ id: 'U-9', home_lon: -56.2, home_lat: -34.9 }, { id: 'U-10' }])
    expect(units[1].home_lon).toBeUndefined()
  })
})
