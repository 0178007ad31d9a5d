import type { Queryable } from '../../server/db/db.ts'
import { metresPerDegree } from '../../geo/grids/metres-per-degree.ts'

/** A unit of the seeded city, its tracker and its home (every generated track circles it, inside the city). */
export interface BenchUnit {
  unitId: string
  deviceId: string
  lon: number
  lat: number
}

export async function loadBenchUnits(q: Queryable, limit: number): Promise<BenchUnit[]> {
  const r = await q.query<BenchUnit>(
    `SELECT u.id AS "unitId", d.id AS "deviceId", ST_X(u.home) AS lon, ST_Y(u.home) AS lat
     FROM unit u JOIN device d ON d.unit_id = u.id AND d.active ORDER BY u.id LIMIT $1`,
    [limit],
  )
  if (r.rows.length < limit) throw new Error(`the benchmark city has ${r.rows.length} units; ${limit} wanted`)
  return r.rows
}

const RADIUS_M = 150
/** rad per second: 12 m/s on the circle, so each 1 s fix is accepted (no jitter, no teleport). */
const OMEGA = 0.08

export interface TrackPoint {
  lon: number
  lat: number
  /** degrees clockwise from north */
  heading: number
  /** m/s */
  speed: number
}

/** Where a unit is `s` seconds into its track: a 150 m circle around its home, each unit at its own phase. */
export function trackPoint(u: BenchUnit, index: number, s: number): TrackPoint {
  const scale = metresPerDegree(u.lat)
  const a = index * 2.399963 + s * OMEGA
  const east = RADIUS_M * Math.cos(a)
  const north = RADIUS_M * Math.sin(a)
  // Moving counter-clockwise: velocity (-sin, cos); heading from north, clockwise.
  const heading = ((Math.atan2(-Math.sin(a), Math.cos(a)) * 180) / Math.PI + 360) % 360
  return {
    lon: Math.round((u.lon + east / scale.lon) * 1e7) / 1e7,
    lat: Math.round((u.lat + north / scale.lat) * 1e7) / 1e7,
    heading: Math.round(heading * 10) / 10,
    speed: Math.round(RADIUS_M * OMEGA * 10) / 10,
  }
}
