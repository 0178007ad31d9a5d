import { SHIFT_HOURS, SHIFTS, type Shift } from '../demo/stations-and-units.ts'

/** Shift hours in local time, [start, end), as in SHIFT_HOURS; end 24 means midnight. */
export interface ShiftHours {
  start: number
  end: number
}

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

/** Montevideo keeps UTC-3 all year. */
export const DEMO_UTC_OFFSET_MINUTES = -180

/** The hours of a named shift; null (always on duty) for a name the demo does not use. */
export function shiftHours(name: string | null | undefined): ShiftHours | null {
  return name && (SHIFTS as readonly string[]).includes(name) ? SHIFT_HOURS[name as Shift] : null
}

function localHourOfDay(ms: number, utcOffsetMinutes: number): number {
  const local = ms + utcOffsetMinutes * 60_000
  return ((((local % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS)
}

export function isOnDuty(shift: ShiftHours | null, ms: number, utcOffsetMinutes: number): boolean {
  if (!shift) return true
  const h = localHourOfDay(ms, utcOffsetMinutes)
  return shift.start <= shift.end ? h >= shift.start && h < shift.end : h >= shift.start || h < shift.end
}

/** The first instant after `ms` when the shift starts (the same instant next day if it starts exactly at ms). */
export function nextShiftStart(shift: ShiftHours, ms: number, utcOffsetMinutes: number): number {
  const offset = utcOffsetMinutes * 60_000
  const local = ms + offset
  const dayStart = local - (((local % DAY_MS) + DAY_MS) % DAY_MS)
  let start = dayStart + shift.start * HOUR_MS
  if (start <= local) start += DAY_MS
  return start - offset
}
