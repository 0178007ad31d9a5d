import type { UnitMove } from '../../geo/live/unit-frame.ts'
import type { StoredFix } from '../ingest/stored-fix.ts'

export function toUnitMove(f: StoredFix): UnitMove {
  const round = (x: number) => Math.round(x * 1e6) / 1e6
  return [f.unitId, round(f.lon), round(f.lat), f.headingDeg, f.speedMps === null ? null : Math.round(f.speedMps * 10) / 10, f.deviceTime.getTime(), f.gridCode]
}
