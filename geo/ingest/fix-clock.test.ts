import { describe, expect, it } from 'vitest'
import { checkDeviceTime } from './fix-clock.ts'
import { parseDeviceTime } from './parse-time.ts'

const now = new Date('2026-11-23T12:00:00Z')

describe('device clocks', () => {
  it('accepts a little skew and refuses the far future and the distant past', () => {
    expect(checkDeviceTime(new Date('2026-11-23T12:04:00Z'), now)).toBeNull()
    expect(checkDeviceTime(new Date('2026-11-23T13:00:00Z'), now)).toMatch(/future/)
    expect(checkDeviceTime(new Date('2025-11-23T07:00:00Z'), now)).toBeNull()
    expect(checkDeviceTime(new Date('2025-09-01T12:00:00Z'), now)).toMatch(/older/)
  })

  it('reads seconds, milliseconds and zoned ISO 8601, and nothing else', () => {
    expect(parseDeviceTime('1795435200')?.toISOString()).toBe('2026-11-23T12:00:00.000Z')
    expect(parseDeviceTime(1795435200000)?.toISOString()).toBe('2026-11-23T12:00:00.000Z')
    expect(parseDeviceTime('2026-11-23T09:00:00-03:00')?.toISOString()).toBe('2026-11-23T12:00:00.000Z')
    expect(parseDeviceTime('2026-11-23T12:00:00')).toBeNull()
    expect(parseDeviceTime('next tuesday')).toBeNull()
  })
})
