import { describe, expect, it } from 'vitest'
import { communityNames, gridNames, pickUniqueNames, streetNames, zhNumeral } from './area-names.ts'

describe('area names', () => {
  it('writes ordinals in Chinese numerals', () => {
    const cases: [number, string][] = [
      [1, '一'], [10, '十'], [11, '十一'], [20, '二十'], [35, '三十五'],
      [100, '一百'], [101, '一百零一'], [110, '一百一十'], [999, '九百九十九'],
    ]
    for (const [n, zh] of cases) expect(zhNumeral(n)).toBe(zh)
  })

  it('names areas after a place, with their responsible bodies', () => {
    const street = streetNames('Cordón', 2)
    expect(street).toEqual({
      name: 'Cordón 街道',
      nameEn: 'Cordón Subdistrict',
      orgName: 'Cordón 街道办事处',
      orgNameEn: 'Cordón Subdistrict Office',
    })
    const community = communityNames('Parque Rodó', 1, street)
    expect(community.name).toBe('Parque Rodó 社区')
    expect(community.orgName).toBe('Parque Rodó 社区居委会')
    expect(gridNames('Avenida Brasil', 4, community)).toEqual({
      name: 'Avenida Brasil 网格',
      nameEn: 'Avenida Brasil Grid',
      orgName: null,
      orgNameEn: null,
    })
  })

  it('falls back to ordinals under the parent', () => {
    const street = streetNames(null, 1)
    expect(street.name).toBe('第一街道')
    const community = communityNames(null, 12, street)
    expect(community.name).toBe('第一街道第十二社区')
    expect(gridNames(null, 3, community).nameEn).toBe('Subdistrict 1 Community 12 Grid 3')
  })

  it('hands out each name once per level, first come first served', () => {
    expect(pickUniqueNames([['Cordón', 'Palermo'], ['cordón', 'Palermo'], ['Palermo'], []])).toEqual(['Cordón', 'Palermo', null, null])
  })
})
