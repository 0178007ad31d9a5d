import type { StepLimits } from './category.ts'

/** The timestamps of a case that start a step's clock. */
export interface CaseClock {
  state: string
  reportedAt: Date
  filedAt: Date | null
  dispatchedAt: Date | null
  reportedBackAt: Date | null
}

const MINUTE_MS = 60_000

/**
 * When the step the case is waiting on falls due, or null once nothing is pending (verified, closed, voided,
 * rejected). Each limit runs from the end of the previous step, as the catalogue defines it. A handled case is
 * still inside the handle step: the handler has not reported back yet.
 */
export function stepDeadline(c: CaseClock, limits: StepLimits): Date | null {
  const due = (from: Date | null, minutes: number) => (from ? new Date(from.getTime() + minutes * MINUTE_MS) : null)
  switch (c.state) {
    case 'reported':
    case 'pending_approval':
      return due(c.reportedAt, limits.file)
    case 'filed':
      return due(c.filedAt, limits.dispatch)
    case 'dispatched':
    case 'handled':
      return due(c.dispatchedAt, limits.handle)
    case 'reported_back':
      return due(c.reportedBackAt, limits.verify)
    default:
      return null
  }
}
