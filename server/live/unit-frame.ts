import type { UnitMove } from '../../geo/live/unit-frame.ts'
import type { StoredFix } from '../ingest/stored-fix.ts'

export function toUnitMove(f: StoredFix): UnitMove {
  return [f.unitId, micro(f.lon), micro(f.lat), f.headingDeg, f.speedMps === null ? null : Math.round(f.speedMps * 10) / 10, f.deviceTime.getTime(), f.gridCode]
}

/**
 * To a millionth of a degree (~0.1 m). At module level rather than a closure in toUnitMove: tsx (esbuild
 * keepNames) names every closure as it is created, a cost per fix.
 */
function micro(x: number): number {
  return Math.round(x * 1e6) / 1e6
}
