import { describe, expect, it } from 'vitest'
import type { Polygon } from 'geojson'
import { metresPerDegree } from '../grids/metres-per-degree.ts'
import { borderFlag } from './border-flag.ts'
import { duplicateWindow } from './duplicate-rule.ts'

const lat0 = -34.9
const scale = metresPerDegree(lat0)
/** A 400 m square grid with its west edge at lon -56.2. */
const west = -56.2
const grid: Polygon = {
  type: 'Polygon',
  coordinates: [[[west, lat0], [west + 400 / scale.lon, lat0], [west + 400 / scale.lon, lat0 + 400 / scale.lat], [west, lat0 + 400 / scale.lat], [west, lat0]]],
}
const inside = (eastM: number, northM: number): [number, number] => [west + eastM / scale.lon, lat0 + northM / scale.lat]

describe('borderFlag', () => {
  it('leaves a point in the middle of its grid alone', () => {
    expect(borderFlag(...inside(200, 200), grid, 30)).toEqual({ flagged: false, distanceM: 200, reason: null })
  })

  it('flags a point within the configured metres of the grid edge', () => {
    const f = borderFlag(...inside(12, 200), grid, 30)
    expect(f).toMatchObject({ flagged: true, reason: 'near_border' })
    expect(f.distanceM).toBeCloseTo(12, 0)
    expect(borderFlag(...inside(12, 200), grid, 10).flagged).toBe(false)
  })

  it('flags a point outside every grid', () => {
    expect(borderFlag(-56.3, lat0, null)).toEqual({ flagged: true, distanceM: null, reason: 'outside_grids' })
  })
})

describe('duplicateWindow', () => {
  it('spans the window either side of the report', () => {
    const at = new Date('2026-11-23T12:00:00Z')
    expect(duplicateWindow(at, { radiusM: 50, windowHours: 6 })).toEqual({
      from: new Date('2026-11-23T06:00:00Z'), to: new Date('2026-11-23T18:00:00Z'),
    })
  })
})
