import type { StepLimits } from '../catalogue/category.ts'
import { PENDING_STEP, type CaseState } from './case-states.ts'

const MINUTE_MS = 60_000

export const addMinutes = (at: Date, minutes: number): Date => new Date(at.getTime() + minutes * MINUTE_MS)

/**
 * The deadline after a case moves from one state to another at `at`. A move inside the same step keeps the
 * step's running clock (filing then approval share the file limit; handled is still the handle step); a move
 * into another step starts that step's limit now, so the handle clock runs from dispatch, and again from a
 * failed verification. Nothing pending, no deadline.
 */
export function deadlineAfter(from: CaseState, to: CaseState, at: Date, current: Date | null, limits: StepLimits): Date | null {
  const step = PENDING_STEP[to]
  if (step === null) return null
  if (PENDING_STEP[from] === step && current !== null) return current
  return addMinutes(at, limits[step])
}

/** Minutes left until the deadline (negative once overdue), or null without one. */
export function minutesLeft(deadline: Date | null, now: Date): number | null {
  return deadline === null ? null : Math.floor((deadline.getTime() - now.getTime()) / MINUTE_MS)
}
