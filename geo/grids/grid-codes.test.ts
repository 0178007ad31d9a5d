import { describe, expect, it } from 'vitest'
import { childCode, DEMO_DIVISION_CODE, levelOfCode, parentOfCode } from './grid-codes.ts'

describe('grid codes', () => {
  it('builds 9-, 12- and 15-digit codes under the 6-digit division code', () => {
    const street = childCode(DEMO_DIVISION_CODE, 3)
    const community = childCode(street, 12)
    const grid = childCode(community, 105)
    expect([street, community, grid]).toEqual(['999001003', '999001003012', '999001003012105'])
    expect([DEMO_DIVISION_CODE, street, community, grid].map(levelOfCode)).toEqual(['city', 'street', 'community', 'grid'])
    expect(parentOfCode(grid)).toBe(community)
    expect(parentOfCode(street)).toBe(DEMO_DIVISION_CODE)
    expect(parentOfCode(DEMO_DIVISION_CODE)).toBeNull()
  })

  it('rejects serials that do not fit three digits and codes of no level', () => {
    expect(() => childCode(DEMO_DIVISION_CODE, 0)).toThrow()
    expect(() => childCode(DEMO_DIVISION_CODE, 1000)).toThrow()
    expect(levelOfCode('99900100')).toBeNull()
    expect(levelOfCode('99900100a')).toBeNull()
  })
})
