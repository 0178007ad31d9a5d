import type { Rgba } from './unit-store.ts'

/** What the grid fill shows, and how values become colours. */

export const MEASURES = ['openCases', 'overdueCases', 'incidents1h', 'units'] as const
export type MeasureId = (typeof MEASURES)[number]

/** Whether the measure needs the incidents API. */
export const NEEDS_INCIDENTS: Record<MeasureId, boolean> = { openCases: true, overdueCases: true, incidents1h: true, units: false }

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
