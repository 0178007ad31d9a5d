import { expect, it } from 'vitest'
import { binomialTwoSidedP } from './binomial-test.ts'

it('matches exact binomial tails worked by hand', () => {
  // π = 0.5, n = 10: P(X ≥ 9) = (10 + 1)/1024, doubled by symmetry = 22/1024 = 0.021484375.
  expect(binomialTwoSidedP(9, 10, 0.5)).toBeCloseTo(22 / 1024, 12)
  // k = 7: P(X ≥ 7) = (120 + 45 + 10 + 1)/1024 = 176/1024, doubled = 0.34375.
  expect(binomialTwoSidedP(7, 10, 0.5)).toBeCloseTo(0.34375, 12)
  // π = 0.3, n = 10; pmf: P0 .0282475 P1 .1210608 P2 .2334744 P3 .2668279 P4 .2001209 P5 .1029193 P6 .0367569
  // P7 .0090017 P8 .0014467 P9 .0001378 P10 .0000059.
  // k = 2: every outcome is as unlikely as P2 except 3, so p = 1 − .2668279 = .7331721.
  expect(binomialTwoSidedP(2, 10, 0.3)).toBeCloseTo(0.7331721, 6)
  // k = 6: P0 + P6..P10 = .0282475 + .0367569 + .0090017 + .0014467 + .0001378 + .0000059 = .0755965.
  expect(binomialTwoSidedP(6, 10, 0.3)).toBeCloseTo(0.0755965, 6)
})

it('handles the edges', () => {
  expect(binomialTwoSidedP(0, 0, 0.5)).toBe(1)
  expect(binomialTwoSidedP(5, 10, 0.5)).toBeCloseTo(1, 12)
  expect(binomialTwoSidedP(0, 5, 0)).toBe(1)
  // Large n stays finite and tiny: 2,000 of 2,000 at π = 0.5.
  expect(binomialTwoSidedP(2000, 2000, 0.5)).toBeLessThan(1e-300)
})
