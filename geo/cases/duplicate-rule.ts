/**
 * Likely duplicates of a case: other open cases of the same category within a radius, reported within a time
 * window either side. Suggestions only: the operator decides and, if so, rejects as a duplicate.
 */
export interface DuplicateRule {
  radiusM: number
  windowHours: number
}

export const DEFAULT_DUPLICATE_RULE: DuplicateRule = { radiusM: 100, windowHours: 24 }

/** The reporting window in which another case counts as a possible duplicate. */
export function duplicateWindow(reportedAt: Date, rule: DuplicateRule): { from: Date; to: Date } {
  const ms = rule.windowHours * 3_600_000
  return { from: new Date(reportedAt.getTime() - ms), to: new Date(reportedAt.getTime() + ms) }
}
