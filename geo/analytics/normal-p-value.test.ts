import { expect, it } from 'vitest'
import { twoSidedNormalP } from './normal-p-value.ts'

it('gives the two-sided normal tail at the familiar critical values', () => {
  // Critical values from standard tables: Φ⁻¹(0.95) = 1.644854, Φ⁻¹(0.975) = 1.959964, Φ⁻¹(0.995) = 2.575829, Φ⁻¹(0.9995) = 3.290527.
  expect(twoSidedNormalP(1.644854)).toBeCloseTo(0.1, 6)
  expect(twoSidedNormalP(-1.959964)).toBeCloseTo(0.05, 6)
  expect(twoSidedNormalP(2.575829)).toBeCloseTo(0.01, 7)
  expect(twoSidedNormalP(3.290527)).toBeCloseTo(0.001, 8)
  expect(twoSidedNormalP(0)).toBeCloseTo(1, 7)
  expect(twoSidedNormalP(1)).toBeCloseTo(0.3173105, 6)
  expect(twoSidedNormalP(Infinity)).toBe(0)
  expect(twoSidedNormalP(NaN)).toBeNaN()
})
