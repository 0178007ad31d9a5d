import { describe, expect, it } from 'vitest'
import { dayStart, TodayCases } from './today-figures.ts'

const MIN = 60_000
const day = dayStart(Date.parse('2026-11-23T12:00:00'))

describe('TodayCases', () => {
  it('gives mean response (dispatched - reported over dispatched cases) and closure rate (closed / filed) of cases reported today', () => {
    const s = new TodayCases()
    s.upsert({ id: 1, state: 'closed', reportedAtMs: day + 60 * MIN, filedAtMs: day + 62 * MIN, dispatchedAtMs: day + 64 * MIN })
    s.upsert({ id: 2, state: 'dispatched', reportedAtMs: day + 90 * MIN, filedAtMs: day + 91 * MIN, dispatchedAtMs: day + 100 * MIN })
    s.upsert({ id: 3, state: 'filed', reportedAtMs: day + 95 * MIN, filedAtMs: day + 96 * MIN, dispatchedAtMs: null })
    s.upsert({ id: 4, state: 'reported', reportedAtMs: day + 99 * MIN, filedAtMs: null, dispatchedAtMs: null })
    // Yesterday's, closed today: not in today's population.
    s.upsert({ id: 5, state: 'closed', reportedAtMs: day - 10 * MIN, filedAtMs: day - 9 * MIN, dispatchedAtMs: day - 8 * MIN })
    const f = s.figures(day)
    expect(f).toMatchObject({ reported: 4, filed: 3, closed: 1, dispatched: 2 })
    expect(f.meanResponseMinutes).toBeCloseTo(7, 9)
    expect(f.closureRate).toBeCloseTo(1 / 3, 9)
  })

  it('has no rate without a denominator, and a later step replaces the earlier record', () => {
    const s = new TodayCases()
    s.upsert({ id: 1, state: 'reported', reportedAtMs: day + MIN, filedAtMs: null, dispatchedAtMs: null })
    expect(s.figures(day)).toMatchObject({ meanResponseMinutes: null, closureRate: null })
    s.upsert({ id: 1, state: 'closed', reportedAtMs: day + MIN, filedAtMs: day + 2 * MIN, dispatchedAtMs: day + 4 * MIN })
    expect(s.figures(day)).toMatchObject({ reported: 1, closureRate: 1, meanResponseMinutes: 3 })
    // The next day starts empty.
    expect(s.figures(day + 24 * 60 * MIN).reported).toBe(0)
  })
})
