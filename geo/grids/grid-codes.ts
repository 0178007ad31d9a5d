import type { AdminLevel } from './admin-area.ts'

/**
 * Hierarchical numeric codes in the style of the national statistical division codes: the 6-digit division
 * code, then 3 digits of street, 3 of community and 3 of grid serial (a 15-digit unit-grid code). "Everything
 * under an area" is then a prefix match.
 *
 * 999001 is fictional: no province code starts with 99 in GB/T 2260, so the demo can never pass for a real place.
 */
export const DEMO_DIVISION_CODE = '999001'

export const CODE_LENGTHS: Readonly<Record<AdminLevel, number>> = { city: 6, street: 9, community: 12, grid: 15 }

const SERIAL_DIGITS = 3

export function childCode(parentCode: string, serial: number): string {
  if (!Number.isInteger(serial) || serial < 1 || serial >= 10 ** SERIAL_DIGITS) {
    throw new Error(`serial ${serial} does not fit ${SERIAL_DIGITS} digits`)
  }
  return parentCode + String(serial).padStart(SERIAL_DIGITS, '0')
}

export function levelOfCode(code: string): AdminLevel | null {
  if (!/^\d+$/.test(code)) return null
  const entry = Object.entries(CODE_LENGTHS).find(([, length]) => length === code.length)
  return entry ? (entry[0] as AdminLevel) : null
}

export function parentOfCode(code: string): string | null {
  const level = levelOfCode(code)
  return level === null || level === 'city' ? null : code.slice(0, code.length - SERIAL_DIGITS)
}
