import { describe, expect, it } from 'vitest'
import { CLASS_COLORS, classOf, RATE_BREAKS, RATE_COLORS, rateLabel } from './measures.ts'

describe('grid fill measures', () => {
  it('puts on-time rates in five classes, worst first, every rate in one of them', () => {
    expect([0, 0.59, 0.6, 0.8, 0.949, 0.95, 1].map((r) => classOf(r, RATE_BREAKS))).toEqual([0, 0, 1, 2, 3, 4, 4])
    expect(RATE_BREAKS.map((_, k) => rateLabel(k))).toEqual(['<60%', '60–75%', '75–85%', '85–95%', '≥95%'])
  })

  it('marks the worst rates with the warm end of the counts ramp', () => {
    expect(RATE_COLORS[0]).toEqual(CLASS_COLORS[CLASS_COLORS.length - 1])
    expect(RATE_COLORS[RATE_COLORS.length - 1]).toEqual(CLASS_COLORS[0])
  })
})
