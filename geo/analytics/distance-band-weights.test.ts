import { expect, it } from 'vitest'
import { metresPerDegree } from '../grids/metres-per-degree.ts'
import { distanceBandWeights } from './distance-band-weights.ts'
import { defaultBandM } from './default-band.ts'

// Four centroids on an east-west line at 0, 100, 250 and 600 m.
const s = metresPerDegree(-34.9)
const line = [0, 100, 250, 600].flatMap((m) => [-56.2 + m / s.lon, -34.9])

it('links centroids within the band, inclusive, and no further', () => {
  expect(distanceBandWeights(line, 150).neighbours).toEqual([[1], [0, 2], [1], []])
  expect(distanceBandWeights(line, 250.01).neighbours).toEqual([[1, 2], [0, 2], [0, 1], []])
  expect(distanceBandWeights(line, 99).neighbours).toEqual([[], [], [], []])
})

it('proposes the largest nearest-neighbour distance, so that nobody is alone', () => {
  // Nearest neighbours: 100, 100, 150, 350 m → 350 m.
  expect(defaultBandM(line)).toBeCloseTo(350, 1)
  expect(distanceBandWeights(line, defaultBandM(line) + 1e-6).neighbours.every((n) => n.length > 0)).toBe(true)
  expect(defaultBandM(line.slice(0, 2))).toBe(0)
})
