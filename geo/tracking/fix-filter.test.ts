import { describe, expect, it } from 'vitest'
import { judgeFix } from './fix-filter.ts'

const t0 = new Date('2026-11-23T12:00:00Z')
const at = (s: number) => new Date(t0.getTime() + s * 1000)
const last = { deviceTime: t0, lon: -56.16, lat: -34.9 }
// About 91 m per 0.001° of longitude at this latitude.
const fix = (s: number, dLon: number, accuracyM: number | null = 5) => ({ deviceTime: at(s), lon: -56.16 + dLon, lat: -34.9, accuracyM })

describe('judgeFix', () => {
  it('accepts the first fix and normal driving', () => {
    expect(judgeFix(undefined, fix(0, 0))).toBe('accepted')
    expect(judgeFix(last, fix(10, 0.001))).toBe('accepted')
  })
  it('holds back old, inaccurate, impossible and wobbling fixes', () => {
    expect(judgeFix(last, fix(-5, 0.001))).toBe('out_of_order')
    expect(judgeFix(last, fix(0, 0.001))).toBe('out_of_order')
    expect(judgeFix(last, fix(10, 0.001, 500))).toBe('inaccurate')
    expect(judgeFix(last, fix(1, 0.01))).toBe('teleport')
    expect(judgeFix(last, fix(2, 0.00001))).toBe('jitter')
  })
  it('lets a parked unit report again after the minimum period', () => {
    expect(judgeFix(last, fix(30, 0.00001))).toBe('accepted')
  })
})
