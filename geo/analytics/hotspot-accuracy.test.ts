import { expect, it } from 'vitest'
import { hotspotAccuracy } from './hotspot-accuracy.ts'

it('flags the highest-scoring cells until k % of the area and scores the next period against them', () => {
  // Five cells of 1 km² (total 5 km²); next period: 100 incidents.
  const score = [5, 1, 9, 0, 3]
  const area = [1, 1, 1, 1, 1]
  const next = [30, 5, 40, 5, 20]
  const [k20, k50] = hotspotAccuracy(score, area, next, [20, 50])
  // k = 20 %: cell 2 alone (1 km² = 20 %), 40 of 100 captured; PAI = 0.40 / 0.20 = 2.
  expect(k20).toEqual({ k: 20, cells: 1, areaShare: 0.2, captured: 40, hitRate: 0.4, pai: 2 })
  // k = 50 %: cells 2, 0, 4 (3 km² = 60 %, whole cells), 90 captured; PAI = 0.9 / 0.6 = 1.5.
  expect(k50.cells).toBe(3)
  expect(k50.areaShare).toBeCloseTo(0.6, 12)
  expect(k50.hitRate).toBeCloseTo(0.9, 12)
  expect(k50.pai).toBeCloseTo(1.5, 12)
})

it('reports zeros instead of dividing by nothing', () => {
  expect(hotspotAccuracy([1], [1], [0], [10])[0]).toMatchObject({ hitRate: 0, pai: 0 })
})
