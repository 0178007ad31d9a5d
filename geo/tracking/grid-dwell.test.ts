import { describe, expect, it } from 'vitest'
import { initialDwell, stepDwell, type DwellState, type GridTransition } from './grid-dwell.ts'

const t0 = Date.parse('2026-11-23T12:00:00Z')
function run(grids: (string | null)[], everyS = 5, start: DwellState = initialDwell('A')): GridTransition[] {
  let s = start
  const out: GridTransition[] = []
  grids.forEach((g, i) => {
    const [next, tr] = stepDwell(s, g, new Date(t0 + i * everyS * 1000), { fixes: 3, dwellMs: 30_000 })
    s = next
    if (tr) out.push(tr)
  })
  return out
}

describe('stepDwell', () => {
  it('ignores flapping along a boundary', () => {
    expect(run(['A', 'B', 'A', 'B', 'B', 'A', 'B', 'A'])).toEqual([])
  })
  it('confirms a move after three fixes, dated from the first', () => {
    expect(run(['A', 'B', 'B', 'B', 'B'])).toEqual([{ from: 'A', to: 'B', at: new Date(t0 + 5000) }])
  })
  it('confirms a move after the dwell time even with sparse fixes', () => {
    expect(run(['A', 'B', 'B'], 40)).toEqual([{ from: 'A', to: 'B', at: new Date(t0 + 40_000) }])
  })
  it('reports leaving every grid', () => {
    expect(run([null, null, null])).toEqual([{ from: 'A', to: null, at: new Date(t0) }])
  })
})
