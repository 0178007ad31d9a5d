import type { StoredFix } from '../ingest/stored-fix.ts'

/**
 * One unit's move on the wire: [id, lon, lat, heading°, speed m/s, device time ms, grid]. Tuples, not objects:
 * at 10,000 units a second the key names alone would double the bytes sent to every client.
 */
export type UnitMove = [string, number, number, number | null, number | null, number, string | null]

export interface UnitFrame {
  seq: number
  /** Server time the frame was sent, ms. */
  t: number
  moves: UnitMove[]
}

export function toUnitMove(f: StoredFix): UnitMove {
  const round = (x: number) => Math.round(x * 1e6) / 1e6
  return [f.unitId, round(f.lon), round(f.lat), f.headingDeg, f.speedMps === null ? null : Math.round(f.speedMps * 10) / 10, f.deviceTime.getTime(), f.gridCode]
}
