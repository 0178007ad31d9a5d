import { describe, expect, it } from 'vitest'
import { metresPerDegree } from '../grids/metres-per-degree.ts'
import { kde } from './kde.ts'
import { kdeBandwidthM } from './kde-bandwidth.ts'

const s = metresPerDegree(-34.9)
/** A point `e` m east and `n` m north of (-56.2, -34.9). */
const at = (e: number, n: number) => [-56.2 + e / s.lon, -34.9 + n / s.lat]
const bbox = [...at(-1000, -1000), ...at(1000, 1000)] as [number, number, number, number]

describe('kde', () => {
  it('puts 3/(π h²) per point at the point itself and integrates to the number of points', () => {
    // One point at the centre of a cell; h = 300 m: peak = 3 / (π · 300²) per m² = 1.0610e-5 /m² = 10.610 /km².
    const r = kde(at(5, 5), null, { bbox, cellM: 10, bandwidthM: 300 })
    expect(r.cols).toBe(200)
    expect(r.rows).toBe(200)
    expect(Math.max(...r.values)).toBeCloseTo(3 / (Math.PI * 0.3 * 0.3), 2)
    // Σ density · cell area (0.0001 km²) ≈ 1 incident.
    expect(r.values.reduce((a, v) => a + v, 0) * 1e-4).toBeCloseTo(1, 2)
  })

  it('is zero beyond the bandwidth and adds weighted points', () => {
    const r = kde([...at(-500, 0), ...at(500, 0)], [1, 3], { bbox, cellM: 50, bandwidthM: 200 })
    const cellAt = (e: number, n: number) => r.values[Math.floor((1000 - n) / 50) * r.cols + Math.floor((e + 1000) / 50)]
    expect(cellAt(0, 0)).toBe(0)
    // The quartic kernel at d = 25√2 m of a 200 m bandwidth: 3/(π·0.04 km²) · (1 − 1250/40000)² = 22.395 per unit weight.
    expect(cellAt(510, 10) / cellAt(-490, 10)).toBeCloseTo(3, 9)
    expect(cellAt(-490, 10)).toBeCloseTo((3 / (Math.PI * 0.04)) * (1 - 1250 / 40000) ** 2, 6)
  })
})

describe('kdeBandwidthM', () => {
  it('follows 0.9 · min(SD, √(1/ln 2) · Dm) · n^−0.2, worked by hand', () => {
    // Corners of a 200 m square: every point is 100√2 = 141.42 m from the mean centre, so SD = Dm = 141.42 and
    // √(1/ln 2) · Dm = 169.86 > SD; h = 0.9 · 141.42 · 4^−0.2 = 0.9 · 141.42 · 0.757858 = 96.46 m.
    const square = [...at(-100, -100), ...at(100, -100), ...at(100, 100), ...at(-100, 100)]
    expect(kdeBandwidthM(square)).toBeCloseTo(96.46, 1)
    // The same four as two points of weight 2 at opposite corners: SD = Dm = 141.42, n = 4 again.
    expect(kdeBandwidthM([...at(-100, -100), ...at(100, 100)], [2, 2])).toBeCloseTo(96.46, 1)
  })

  it('takes the median term when a few far points inflate the standard distance', () => {
    // Nine points at the centre's 10 m ring and one 10 km away: the median distance decides.
    const pts = [...Array.from({ length: 9 }, (_, k) => at(10 * Math.cos(k), 10 * Math.sin(k))).flat(), ...at(10_000, 0)]
    const h = kdeBandwidthM(pts)
    expect(h).toBeGreaterThan(0)
    expect(h).toBeLessThan(0.9 * Math.sqrt(1 / Math.LN2) * 1_100 * 10 ** -0.2)
    expect(kdeBandwidthM(at(0, 0))).toBe(0)
  })
})
