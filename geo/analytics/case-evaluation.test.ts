import { expect, it } from 'vitest'
import { caseEvaluation, type EvaluationCounts } from './case-evaluation.ts'

it('makes each rate from its published numerator and denominator', () => {
  const counts: EvaluationCounts = {
    reported: 50, filed: 40, closed: 30, closedOnTime: 24,
    steps: { file: { done: 40, onTime: 38 }, dispatch: { done: 36, onTime: 27 }, handle: { done: 32, onTime: 16 }, verify: { done: 0, onTime: 0 } },
    reopened: 4, supervisionOrders: 6, exceptions: { return: 1, void: 2, extend: 3, defer: 0 }, meanResponseMinutes: 42,
  }
  const e = caseEvaluation(counts)
  // 30 / 40, 24 / 30, 4 / 40, 6 / 40 × 100.
  expect(e).toMatchObject({ closureRate: 0.75, onTimeRate: 0.8, reopenRate: 0.1, supervisionPer100: 15, meanResponseMinutes: 42 })
  // 38 / 40, 27 / 36, 16 / 32, and no verified case yet: null rather than 0 or 100 %.
  expect(e.stepOnTimeRate).toEqual({ file: 0.95, dispatch: 0.75, handle: 0.5, verify: null })
})

it('leaves every rate of an empty group null', () => {
  const zero = { done: 0, onTime: 0 }
  const e = caseEvaluation({
    reported: 0, filed: 0, closed: 0, closedOnTime: 0, steps: { file: zero, dispatch: zero, handle: zero, verify: zero },
    reopened: 0, supervisionOrders: 0, exceptions: { return: 0, void: 0, extend: 0, defer: 0 }, meanResponseMinutes: null,
  })
  expect([e.closureRate, e.onTimeRate, e.reopenRate, e.supervisionPer100]).toEqual([null, null, null, null])
})
