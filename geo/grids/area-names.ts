/**
 * Names of streets (街道), communities (社区) and unit grids (网格) and of the bodies answering for them, in Chinese
 * and English. The base is a real place or road name found inside the area, so operators can tell areas apart
 * on the map; an ordinal is the fallback.
 */

export interface AreaNames {
  name: string
  nameEn: string
  orgName: string | null
  orgNameEn: string | null
}

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九']

/** 1..999 in Chinese numerals, as used in ordinal names: 第十一, 第二十, 第一百零五. */
export function zhNumeral(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 999) throw new Error(`no Chinese numeral for ${n}`)
  const below100 = (k: number, leadingOne: boolean): string => {
    if (k < 10) return DIGITS[k]
    const tens = Math.floor(k / 10), ones = k % 10
    return (tens === 1 && !leadingOne ? '' : DIGITS[tens]) + '十' + (ones ? DIGITS[ones] : '')
  }
  if (n < 100) return below100(n, false)
  const rest = n % 100
  const hundreds = DIGITS[Math.floor(n / 100)] + '百'
  if (rest === 0) return hundreds
  return hundreds + (rest < 10 ? '零' : '') + below100(rest, true)
}

/** OSM bases are mostly Latin script, which reads better spaced from the Chinese suffix: "Cordón 社区". */
const join = (base: string, suffix: string) => `${base} ${suffix}`

export function streetNames(base: string | null, serial: number): AreaNames {
  const name = base ? join(base, '街道') : `第${zhNumeral(serial)}街道`
  const nameEn = base ? `${base} Subdistrict` : `Subdistrict ${serial}`
  return { name, nameEn, orgName: `${name}办事处`, orgNameEn: `${nameEn} Office` }
}

export function communityNames(base: string | null, serial: number, street: AreaNames): AreaNames {
  const name = base ? join(base, '社区') : `${street.name}第${zhNumeral(serial)}社区`
  const nameEn = base ? `${base} Community` : `${street.nameEn} Community ${serial}`
  return { name, nameEn, orgName: `${name}居委会`, orgNameEn: `${nameEn} Residents' Committee` }
}

/** A unit grid is staffed by grid workers of its community, not by an organisation of its own. */
export function gridNames(base: string | null, serial: number, community: AreaNames): AreaNames {
  const name = base ? join(base, '网格') : `${community.name}第${zhNumeral(serial)}网格`
  const nameEn = base ? `${base} Grid` : `${community.nameEn} Grid ${serial}`
  return { name, nameEn, orgName: null, orgNameEn: null }
}

/**
 * Gives each area the first of its candidate names (best first) that no earlier area took, so names are unique
 * within a level; null when all were taken.
 */
export function pickUniqueNames(candidates: readonly (readonly string[])[]): (string | null)[] {
  const used = new Set<string>()
  return candidates.map((list) => {
    const name = list.find((c) => !used.has(c.toLowerCase())) ?? null
    if (name !== null) used.add(name.toLowerCase())
    return name
  })
}
