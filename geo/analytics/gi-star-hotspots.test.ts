import { expect, it } from 'vitest'
import { giStarHotspots } from './gi-star-hotspots.ts'
import { confidenceClass } from './confidence-class.ts'

it('classes cells on the FDR-adjusted p-value', () => {
  // A 20-cell chain with a strong cluster at one end and a run of zeros: the cluster's Gi* is large.
  const x = [30, 28, 31, 29, ...new Array(16).fill(1)]
  const neighbours = x.map((_, i) => [i - 1, i + 1].filter((j) => j >= 0 && j < x.length))
  const cells = giStarHotspots(x, { neighbours })
  expect(cells[1].z).toBeGreaterThan(3)
  expect(cells[1].pFdr).toBeGreaterThanOrEqual(cells[1].p)
  expect(cells[1].class).toBe('hot-99')
  expect(cells[10].class).toBe('not-significant')
  for (const c of cells) expect(c.class).toBe(confidenceClass(c.z, c.pFdr, { up: 'hot', down: 'cold' }))
})

it('bins at 0.01, 0.05 and 0.10', () => {
  const labels = { up: 'hot', down: 'cold' } as const
  expect(confidenceClass(2, 0.01, labels)).toBe('hot-99')
  expect(confidenceClass(-2, 0.0100001, labels)).toBe('cold-95')
  expect(confidenceClass(-2, 0.1, labels)).toBe('cold-90')
  expect(confidenceClass(2, 0.1000001, labels)).toBe('not-significant')
  expect(confidenceClass(0, 0.001, labels)).toBe('not-significant')
})
