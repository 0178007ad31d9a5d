import { expect, it } from 'vitest'
import { lastDays, lastMonth, sameWeeksLastYear } from './window-presets.ts'

const local = (y: number, m: number, d: number, h = 0) => new Date(y, m - 1, d, h)

it('gives the last n days up to now and the whole previous month, across a year end', () => {
  expect(lastDays(7, local(2026, 3, 10, 15))).toEqual({ from: '2026-03-03', to: '' })
  expect(lastMonth(local(2026, 3, 10, 15))).toEqual({ from: '2026-02-01', to: '2026-03-01' })
  expect(lastMonth(local(2026, 1, 31, 23))).toEqual({ from: '2025-12-01', to: '2026-01-01' })
})

it('moves the shown window back 52 weeks, so weekdays line up', () => {
  const w = sameWeeksLastYear({ from: local(2026, 3, 2), to: local(2026, 6, 1) })
  expect(w).toEqual({ from: '2025-03-03', to: '2025-06-02' })
  expect(new Date(`${w.from}T00:00:00`).getDay()).toBe(local(2026, 3, 2).getDay())
})
