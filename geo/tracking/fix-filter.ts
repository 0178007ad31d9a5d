import { metresPerDegree } from '../grids/metres-per-degree.ts'

/** What the filter keeps of the last fix it let through for a unit. */
export interface LastFix {
  deviceTime: Date
  lon: number
  lat: number
}

export interface FilterRules {
  /** A fix whose own error circle is wider than this says little about where the unit is. */
  maxAccuracyM: number
  /** Faster than any patrol car in a city: the fix jumped, the unit did not. */
  maxSpeedMps: number
  /** Closer than this to the last kept fix, and sooner than minPeriodMs, is a parked phone wobbling. */
  jitterM: number
  minPeriodMs: number
}

export const DEFAULT_FILTER_RULES: FilterRules = { maxAccuracyM: 100, maxSpeedMps: 70, jitterM: 5, minPeriodMs: 10_000 }

export type FilterVerdict = 'accepted' | 'out_of_order' | 'inaccurate' | 'teleport' | 'jitter'

/**
 * Whether a fix may move the unit on the map. Every fix is still stored in the history with its verdict: the
 * filter decides what the live picture shows, never what is kept.
 */
export function judgeFix(
  last: LastFix | undefined,
  fix: LastFix & { accuracyM: number | null },
  rules: FilterRules = DEFAULT_FILTER_RULES,
): FilterVerdict {
  if (last && fix.deviceTime.getTime() <= last.deviceTime.getTime()) return 'out_of_order'
  if (fix.accuracyM !== null && fix.accuracyM > rules.maxAccuracyM) return 'inaccurate'
  if (!last) return 'accepted'
  const m = distanceM(last, fix)
  const dtMs = fix.deviceTime.getTime() - last.deviceTime.getTime()
  if (m / (dtMs / 1000) > rules.maxSpeedMps) return 'teleport'
  if (m < rules.jitterM && dtMs < rules.minPeriodMs) return 'jitter'
  return 'accepted'
}

function distanceM(a: LastFix, b: LastFix): number {
  const s = metresPerDegree((a.lat + b.lat) / 2)
  return Math.hypot((a.lon - b.lon) * s.lon, (a.lat - b.lat) * s.lat)
}
