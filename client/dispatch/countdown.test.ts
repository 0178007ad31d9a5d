import { describe, expect, it } from 'vitest'
import { countdown } from './countdown.ts'

const T = Date.parse('2026-06-01T08:00:00Z')

describe('countdown', () => {
  it('reads minutes and seconds under an hour, hours past it, days past a day', () => {
    expect(countdown(T + 4 * 60_000 + 5_000, T)).toEqual({ text: '4:05', overdue: false, urgent: true })
    expect(countdown(T + 3_723_000, T)).toEqual({ text: '1:02:03', overdue: false, urgent: false })
    expect(countdown(T + (3 * 86_400 + 4 * 3600 + 59) * 1000, T).text).toBe('3d 04h')
  })

  it('counts time over a deadline as overdue, never urgent', () => {
    expect(countdown(T - 61_000, T)).toEqual({ text: '1:01', overdue: true, urgent: false })
    expect(countdown(T - 1, T).overdue).toBe(true)
    expect(countdown(T, T).overdue).toBe(false)
  })

  it('turns urgent 15 minutes before the deadline', () => {
    expect(countdown(T + 15 * 60_000, T).urgent).toBe(false)
    expect(countdown(T + 15 * 60_000 - 1000, T).urgent).toBe(true)
  })
})
