import type { Rgba } from './unit-store.ts'

/** What the grid fill shows, and how values become colours. */

export const MEASURES = ['openCases', 'overdueCases', 'incidents1h', 'units', 'onTimeRate'] as const
export type MeasureId = (typeof MEASURES)[number]

/** What a measure is read from besides the live units: the incidents API, or the published evaluation (综合评价). */
export const MEASURE_SOURCE: Record<MeasureId, 'incidents' | 'evaluation' | null> = {
  openCases: 'incidents', overdueCases: 'incidents', incidents1h: 'incidents', units: null, onTimeRate: 'evaluation',
}

/** Days of closed cases behind the on-time rate: a month, as the monthly evaluation counts them. */
export const EVALUATION_DAYS = 30

/**
 * On-time rate classes by lower bound, worst first. The ramp runs the other way from the counts': here the warm
 * end marks the grids that fall behind, the ones a bottom-N follow-up would name.
 */
export const RATE_BREAKS = [0, 0.6, 0.75, 0.85, 0.95]

/** The legend's label of rate class k: "<60%", "60–75%", "≥95%". */
export function rateLabel(k: number): string {
  const pct = (x: number) => Math.round(x * 100)
  if (k === 0) return `<${pct(RATE_BREAKS[1])}%`
  if (k === RATE_BREAKS.length - 1) return `≥${pct(RATE_BREAKS[k])}%`
  return `${pct(RATE_BREAKS[k])}–${pct(RATE_BREAKS[k + 1])}%`
}

/**
 * Five classes from dim teal to hot orange: the low end sits quietly on the dark basemap, the top end is the
 * only warm colour in the city layers besides alarms. Zero is not filled at all.
 */
export const CLASS_COLORS: Rgba[] = [
  [14, 116, 144, 120],
  [8, 145, 178, 145],
  [45, 184, 160, 160],
  [234, 179, 8, 170],
  [240, 96, 52, 190],
]

export const RATE_COLORS: Rgba[] = [...CLASS_COLORS].reverse()

/** Class lower bounds for counts up to `max`: 1, then steps that grow so the top class holds the outliers. */
export function classBreaks(max: number): number[] {
  if (max <= 5) return [1, 2, 3, 4, 5]
  const b = [1]
  const ratio = Math.pow(max, 1 / 5)
  for (let k = 1; k < 5; k++) b.push(Math.max(b[k - 1] + 1, Math.round(Math.pow(ratio, k))))
  return b
}

export function classOf(value: number, breaks: number[]): number {
  if (value < breaks[0]) return -1
  let c = 0
  for (let k = 0; k < breaks.length; k++) if (value >= breaks[k]) c = k
  return c
}

/** The legend's label of class k: "1", "2–3", "8+". */
export function classLabel(k: number, breaks: number[]): string {
  const lo = breaks[k]
  if (k === breaks.length - 1) return `${lo}+`
  const hi = breaks[k + 1] - 1
  return hi > lo ? `${lo}–${hi}` : `${lo}`
}
