import { PLACE_KINDS, type PlaceKind } from './incident-profiles.ts'

/**
 * When incidents happen, per kind of place: share of the daily total, shape over the local day (weekday and
 * weekend), day-of-week factor and month factor. Each place kind has its own clock (markets in the morning,
 * stations at rush hours, bars at night, schools at the gates), and the city's curve is their sum.
 */

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

interface KindRhythm {
  /** Share of an average day's incidents. */
  share: number
  weekday: readonly number[]
  weekend: readonly number[]
  /** Sunday first. */
  dow: readonly number[]
  /** January first. */
  month: readonly number[]
}

const RESIDENTIAL_WEEKDAY = [0.35, 0.22, 0.14, 0.1, 0.08, 0.12, 0.3, 0.6, 0.95, 1.2, 1.35, 1.4, 1.25, 1.05, 1.05, 1.1, 1.15, 1.2, 1.3, 1.35, 1.25, 1, 0.75, 0.5]
const RESIDENTIAL_WEEKEND = [0.6, 0.45, 0.3, 0.2, 0.12, 0.1, 0.15, 0.3, 0.55, 0.85, 1.1, 1.25, 1.25, 1.15, 1.05, 1.05, 1.1, 1.15, 1.25, 1.35, 1.35, 1.2, 1, 0.8]
const MARKET = [0.05, 0.03, 0.02, 0.02, 0.05, 0.3, 0.9, 1.6, 2, 2.1, 2.1, 2, 1.7, 1.3, 1.1, 1.1, 1.2, 1.3, 1.2, 0.9, 0.5, 0.25, 0.12, 0.07]
const STATION_WEEKDAY = [0.15, 0.08, 0.05, 0.05, 0.1, 0.4, 1.2, 2.2, 2.3, 1.4, 1, 1, 1.1, 1, 1, 1.2, 1.6, 2.2, 2.3, 1.6, 1, 0.7, 0.45, 0.25]
const STATION_WEEKEND = [0.35, 0.25, 0.15, 0.08, 0.06, 0.12, 0.3, 0.5, 0.8, 1, 1.2, 1.3, 1.35, 1.3, 1.25, 1.25, 1.3, 1.3, 1.3, 1.2, 1, 0.8, 0.6, 0.45]
const NIGHTLIFE = [2.4, 2.2, 1.8, 1.2, 0.6, 0.25, 0.08, 0.05, 0.05, 0.08, 0.12, 0.2, 0.35, 0.4, 0.35, 0.3, 0.35, 0.5, 0.8, 1.1, 1.5, 1.9, 2.3, 2.5]
// Uruguayan schools run a morning and an afternoon shift: gates are busy at 7-8, 12-13 and 17-18.
const SCHOOL = [0, 0, 0, 0, 0, 0, 0.2, 2.2, 2, 0.6, 0.5, 0.9, 2.2, 2, 0.7, 0.6, 1, 2.2, 1.6, 0.5, 0.2, 0.05, 0, 0]

const RHYTHMS: Readonly<Record<PlaceKind, KindRhythm>> = {
  residential: {
    share: 0.56, weekday: RESIDENTIAL_WEEKDAY, weekend: RESIDENTIAL_WEEKEND,
    dow: [0.85, 1.05, 1.05, 1.03, 1.02, 1, 0.9],
    month: [0.95, 0.95, 1, 1, 1, 1.02, 1.05, 1.03, 1, 1, 1, 1],
  },
  // Sunday street fairs (ferias) make weekends the busiest market days.
  market: {
    share: 0.13, weekday: MARKET, weekend: MARKET,
    dow: [1.25, 0.9, 0.9, 0.95, 0.95, 1.05, 1.3],
    month: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1.05, 1.15],
  },
  // January empties the city for the beaches.
  station: {
    share: 0.13, weekday: STATION_WEEKDAY, weekend: STATION_WEEKEND,
    dow: [0.55, 1.1, 1.12, 1.12, 1.12, 1.1, 0.75],
    month: [0.8, 0.85, 1.05, 1.05, 1.05, 1.05, 1, 1.05, 1.05, 1.05, 1.05, 0.95],
  },
  // Carnival (February) and summer nights; Friday and Saturday nights dominate.
  nightlife: {
    share: 0.08, weekday: NIGHTLIFE, weekend: NIGHTLIFE,
    dow: [0.7, 0.35, 0.4, 0.6, 0.95, 1.8, 2.2],
    month: [1.35, 1.45, 1.1, 0.95, 0.85, 0.8, 0.8, 0.8, 0.9, 1, 1.1, 1.3],
  },
  // Term time only: see isSchoolHoliday.
  school: {
    share: 0.1, weekday: SCHOOL, weekend: SCHOOL,
    dow: [0, 1, 1, 1, 1, 1, 0],
    month: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
  },
}

function normalised(shape: readonly number[]): Float64Array {
  const sum = shape.reduce((a, b) => a + b, 0)
  return Float64Array.from(shape, (v) => (v * shape.length) / sum)
}

const SHAPES = PLACE_KINDS.map((kind) => ({
  weekday: normalised(RHYTHMS[kind].weekday),
  weekend: normalised(RHYTHMS[kind].weekend),
}))

/** Summer break (20 Dec - 28 Feb) and the two winter weeks in July. */
function isSchoolHoliday(month: number, dayOfMonth: number): boolean {
  return month === 0 || month === 1 || (month === 11 && dayOfMonth >= 20) || (month === 6 && dayOfMonth <= 14)
}

/** Local calendar facts of an instant; `utcOffsetMinutes` is fixed because Uruguay has no daylight saving. */
export interface LocalTime {
  hour: number
  /** 0 = Sunday. */
  dow: number
  month: number
  dayOfMonth: number
  /** Days since the epoch, local. */
  day: number
}

export function localTime(ms: number, utcOffsetMinutes: number): LocalTime {
  const local = ms + utcOffsetMinutes * 60_000
  const d = new Date(local)
  const day = Math.floor(local / DAY_MS)
  return { hour: d.getUTCHours(), dow: d.getUTCDay(), month: d.getUTCMonth(), dayOfMonth: d.getUTCDate(), day }
}

/**
 * Relative incident rate of each place kind (PLACE_KINDS order) in the local hour that starts at `ms`.
 * The small hours count as the previous day: a Saturday-night crowd is still out at 3 am on Sunday.
 */
export function placeKindRates(ms: number, utcOffsetMinutes: number, out: Float64Array): Float64Array {
  const { hour } = localTime(ms, utcOffsetMinutes)
  const day = localTime(hour < 6 ? ms - 6 * HOUR_MS : ms, utcOffsetMinutes)
  const weekend = day.dow === 0 || day.dow === 6
  for (let k = 0; k < PLACE_KINDS.length; k++) {
    const kind = PLACE_KINDS[k]
    const r = RHYTHMS[kind]
    const shape = weekend ? SHAPES[k].weekend : SHAPES[k].weekday
    const holiday = kind === 'school' && isSchoolHoliday(day.month, day.dayOfMonth)
    out[k] = holiday ? 0 : r.share * shape[hour] * r.dow[day.dow] * r.month[day.month]
  }
  return out
}
