export interface DwellRules {
  /** Consecutive fixes in a new grid before the unit counts as in it. */
  fixes: number
  /** ...or time spent in it since the first of those fixes, whichever comes first. */
  dwellMs: number
}

export const DEFAULT_DWELL_RULES: DwellRules = { fixes: 3, dwellMs: 30_000 }

/** A unit's grid as last confirmed, and a move it may be making. */
export interface DwellState {
  grid: string | null
  candidate: string | null
  candidateSince: number
  candidateFixes: number
}

export interface GridTransition {
  from: string | null
  to: string | null
  at: Date
}

export const initialDwell = (grid: string | null = null): DwellState => ({ grid, candidate: null, candidateSince: 0, candidateFixes: 0 })

/**
 * Debounced grid membership: a unit driving along a grid boundary would otherwise flap between two grids on
 * every fix. A move is confirmed after enough fixes or enough time in the new grid, and dated from its first fix.
 */
export function stepDwell(state: DwellState, grid: string | null, at: Date, rules: DwellRules = DEFAULT_DWELL_RULES): [DwellState, GridTransition | null] {
  if (grid === state.grid) return [{ ...state, candidate: null, candidateFixes: 0 }, null]
  const t = at.getTime()
  const next = state.candidateFixes > 0 && grid === state.candidate
    ? { ...state, candidateFixes: state.candidateFixes + 1 }
    : { grid: state.grid, candidate: grid, candidateSince: t, candidateFixes: 1 }
  if (next.candidateFixes >= rules.fixes || t - next.candidateSince >= rules.dwellMs) {
    return [initialDwell(grid), { from: state.grid, to: grid, at: new Date(next.candidateSince) }]
  }
  return [next, null]
}
