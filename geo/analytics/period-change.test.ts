import { expect, it } from 'vitest'
import { periodChange } from './period-change.ts'
import { binomialTwoSidedP } from './binomial-test.ts'

it('tests each cell conditionally on its total, scaled to the window lengths, then adjusts for FDR', () => {
  const day = 86_400_000
  // Before: 28 days, after: 7 days, so π = 7/35 = 0.2 of a cell's incidents are expected in the later window.
  const cells = periodChange([40, 8, 0, 20], [40, 2, 0, 1], 28 * day, 7 * day)
  // Cell 0: 40 of 80 in the later window against an expected 16: a strong increase; rate ratio (40/7)/(40/28) = 4.
  expect(cells[0]).toMatchObject({ change: 0, rateRatio: 4, class: 'increase-99' })
  expect(cells[0].p).toBeCloseTo(binomialTwoSidedP(40, 80, 0.2), 15)
  // Cell 1: 2 of 10 is exactly what π predicts.
  expect(cells[1].p).toBeCloseTo(1, 9)
  expect(cells[1].class).toBe('not-significant')
  expect(cells[2]).toMatchObject({ rateRatio: null, p: 1, class: 'not-significant' })
  // Cell 3: 1 of 21 against an expected 4.2: fewer, and the FDR-adjusted p is at least the raw one.
  expect(cells[3].pFdr).toBeGreaterThanOrEqual(cells[3].p)
  expect(cells[3].rateRatio).toBeCloseTo(0.2, 12)
})
