import { describe, expect, it } from 'vitest'
import type { StepLimits } from '../catalogue/category.ts'
import { CASE_STATES } from './case-states.ts'
import { supervisionAction, type OpenOrder } from './supervision.ts'

const limits: StepLimits = { file: 15, dispatch: 30, handle: 240, verify: 60 }
const T0 = Date.parse('2026-11-23T08:00:00Z')
/** The fake clock: minutes after T0. */
const clock = (minutes: number) => new Date(T0 + minutes * 60_000)

describe('supervision orders on a fake clock', () => {
  const deadline = clock(240)

  it('issues nothing before the deadline, a level-1 order the minute it passes', () => {
    expect(supervisionAction({ state: 'dispatched', deadlineAt: deadline }, null, clock(239), limits)).toBeNull()
    // Half the handle limit to comply.
    expect(supervisionAction({ state: 'dispatched', deadlineAt: deadline }, null, clock(240), limits)).toEqual({
      kind: 'issue', level: 1, dueAt: clock(240 + 120), step: 'handle',
    })
  })

  it('escalates an overrun order level by level and stops at the efficiency office', () => {
    const c = { state: 'handled' as const, deadlineAt: deadline }
    let open: OpenOrder = { level: 1, dueAt: clock(360) }
    expect(supervisionAction(c, open, clock(359), limits)).toBeNull()
    expect(supervisionAction(c, open, clock(360), limits)).toEqual({ kind: 'escalate', level: 2, dueAt: clock(480), step: 'handle' })
    open = { level: 2, dueAt: clock(480) }
    expect(supervisionAction(c, open, clock(481), limits)).toEqual({ kind: 'escalate', level: 3, dueAt: clock(601), step: 'handle' })
    open = { level: 3, dueAt: clock(601) }
    expect(supervisionAction(c, open, clock(10_000), limits)).toBeNull()
  })

  it('gives at least the minimum time to comply on a short step', () => {
    expect(supervisionAction({ state: 'reported', deadlineAt: clock(15) }, null, clock(20), limits)?.dueAt).toEqual(clock(50))
    expect(supervisionAction({ state: 'reported', deadlineAt: clock(15) }, null, clock(20), limits, { dueShareOfStepLimit: 1, minDueMinutes: 5 })?.dueAt).toEqual(clock(35))
  })

  it('never supervises a case with nothing pending or without a deadline', () => {
    for (const state of CASE_STATES) {
      const a = supervisionAction({ state, deadlineAt: clock(0) }, null, clock(10_000), limits)
      expect(a === null, state).toBe(['verified', 'closed', 'voided', 'rejected'].includes(state))
    }
    expect(supervisionAction({ state: 'filed', deadlineAt: null }, null, clock(10_000), limits)).toBeNull()
  })
})
