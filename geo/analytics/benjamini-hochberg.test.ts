import { expect, it } from 'vitest'
import { benjaminiHochberg } from './benjamini-hochberg.ts'

it('adjusts p-values step-up, worked by hand', () => {
  // Sorted: 0.01 (rank 1), 0.03 (2), 0.04 (3), 0.20 (4); p·n/rank = 0.04, 0.06, 0.05333, 0.20.
  // Running minimum from the largest rank down: 0.20, 0.05333, min(0.06, 0.05333) = 0.05333, 0.04.
  const q = benjaminiHochberg([0.01, 0.04, 0.03, 0.2])
  expect(q[0]).toBeCloseTo(0.04, 12)
  expect(q[1]).toBeCloseTo(0.16 / 3, 12)
  expect(q[2]).toBeCloseTo(0.16 / 3, 12)
  expect(q[3]).toBeCloseTo(0.2, 12)
})

it('never exceeds 1 and keeps ties equal', () => {
  // p·n/rank: 2.7, 1.35, 0.95; the step-up minimum is 0.95 for all three.
  for (const q of benjaminiHochberg([0.9, 0.9, 0.95])) expect(q).toBeCloseTo(0.95, 12)
  expect(Math.max(...benjaminiHochberg([0.99, 0.999]))).toBeLessThanOrEqual(1)
  expect(Array.from(benjaminiHochberg([]))).toEqual([])
})
