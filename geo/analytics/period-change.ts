import { binomialTwoSidedP } from './binomial-test.ts'
import { benjaminiHochberg } from './benjamini-hochberg.ts'
import { confidenceClass, type ConfidenceClass } from './confidence-class.ts'

export type ChangeClass = ConfidenceClass<'increase', 'decrease'>

export interface CellChange {
  before: number
  after: number
  change: number
  /** after / before, rescaled to equal window lengths; null when before = 0. */
  rateRatio: number | null
  p: number
  pFdr: number
  class: ChangeClass
}

/**
 * Change per cell between two windows, tested conditionally on the cell's total: if the rate did not change,
 * each of its n = before + after incidents fell in the later window with probability π = after window length /
 * both lengths, so `after` ~ Binomial(n, π) (the exact conditional test of two Poisson counts, Przyborowski &
 * Wilenski 1940). Two-sided exact p, then Benjamini–Hochberg over all cells, binned like the hot-spot classes.
 */
export function periodChange(before: ArrayLike<number>, after: ArrayLike<number>, beforeMs: number, afterMs: number): CellChange[] {
  if (before.length !== after.length) throw new Error('before and after must cover the same cells')
  const pi = afterMs / (beforeMs + afterMs)
  const p = Array.from(before, (b, i) => binomialTwoSidedP(after[i], b + after[i], pi))
  const pFdr = benjaminiHochberg(p)
  return Array.from(before, (b, i) => {
    const a = after[i]
    const excess = a - (b + a) * pi
    return {
      before: b,
      after: a,
      change: a - b,
      rateRatio: b > 0 ? (a / afterMs) / (b / beforeMs) : null,
      p: p[i],
      pFdr: pFdr[i],
      class: confidenceClass(excess, pFdr[i], { up: 'increase', down: 'decrease' }),
    }
  })
}
