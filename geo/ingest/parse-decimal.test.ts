import { describe, expect, it } from 'vitest'
import { parseDecimal } from './parse-decimal.ts'

describe('parseDecimal', () => {
  it('reads the ways devices and forms write numbers', () => {
    expect(['-34.9058', '+56', '12.', '.5', '1e-3', '-5.6E1', '0'].map(parseDecimal)).toEqual([-34.9058, 56, 12, 0.5, 0.001, -56, 0])
  })

  it('refuses what Number() would quietly turn into a coordinate', () => {
    expect(['0x10', '0b1', '0o7', 'Infinity', '', ' ', '1_0', '1e999', '--1', '1.2.3', 'NaN'].map(parseDecimal)).toEqual(Array(11).fill(null))
  })
})
