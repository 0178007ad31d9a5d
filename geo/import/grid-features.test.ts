import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseFeatureCollection } from './geojson-source.ts'
import { checkGridFeatures } from './grid-features.ts'
import { formatIssue } from './import-report.ts'

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')
const check = (text: string) => checkGridFeatures(parseFeatureCollection(text).features)

describe('checkGridFeatures', () => {
  it('plans a file of unit grids as a whole hierarchy, parents first and drawn from their children', () => {
    const { areas, issues } = check(fixture('four-grids.geojson'))
    expect(issues).toEqual([])
    expect(areas.map((a) => [a.code, a.level, a.parentCode, a.feature])).toEqual([
      ['999001', 'city', null, null],
      ['999001001', 'street', '999001', null],
      ['999001001001', 'community', '999001001', null],
      ['999001001002', 'community', '999001001', null],
      ['999001001001001', 'grid', '999001001001', 0],
      ['999001001001002', 'grid', '999001001001', 1],
      ['999001001002001', 'grid', '999001001002', 2],
      ['999001001002002', 'grid', '999001001002', 3],
    ])
    const community = areas.find((a) => a.code === '999001001001')!
    expect(community).toMatchObject({ name: '999001001001', nameEn: '999001001001', geometry: null, households: 790, population: 1980 })
    expect(areas[0]).toMatchObject({ households: 1600, population: 4000 })
    expect(areas[4]).toMatchObject({ name: '海滨一网格', nameEn: 'Seafront Grid 1', orgName: null, areaKm2: null })
  })

  it('takes names and orgs of parents the file names without drawing them', () => {
    const doc = JSON.parse(fixture('four-grids.geojson'))
    doc.features.push(
      { type: 'Feature', geometry: null, properties: { code: '999001001', name: '海滨街道', name_en: 'Seafront Street', org_name: '海滨街道办事处' } },
      { type: 'Feature', geometry: null, properties: { code: 999001, name: '示例市', households: null } },
    )
    const { areas, issues } = check(JSON.stringify(doc))
    expect(issues).toEqual([])
    expect(areas[0]).toMatchObject({ code: '999001', name: '示例市', feature: 5, geometry: null, households: 1600 })
    expect(areas[1]).toMatchObject({ name: '海滨街道', nameEn: 'Seafront Street', orgName: '海滨街道办事处', feature: 4 })
  })

  it('reports every bad feature by index, code and field', () => {
    const { issues } = check(fixture('bad-properties-grids.geojson'))
    expect(issues.map(formatIssue)).toEqual([
      'feature 0 (code 99900100100100X), field code: error: must be digits only',
      'feature 1 (code 999001001001002), field name: error: required',
      'feature 1 (code 999001001001002), field households: error: must not be negative',
      'feature 2 (code 999001001002001), field level: error: is community, but a 15-digit code is a grid',
      'feature 3 (code 999001001002002), field geometry: error: geometry is Point, expected Polygon or MultiPolygon',
      'feature 4 (code 999001001002003), field geometry: error: position [-6256000, -4150000] is outside longitude -180…180 / latitude -90…90 (coordinates must be WGS84)',
      'feature 6, field code: error: 999001001001001 is already used by feature 5',
      'feature 7 (code 999001001009001), field code: error: its community 999001001009 is not in the file, which has other community areas',
      'feature 9 (code 999001001002), field geometry: error: no geometry, and no usable areas under it to draw it from',
    ])
  })

  it('needs unit grids', () => {
    const { issues } = check(
      JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: '999001', name: 'C' }, geometry: null }] }),
    )
    expect(issues.map((i) => i.message)).toContain('no unit grids: a grids file needs areas with 15-digit codes')
  })
})
