import type { Queryable } from '../db/db.ts'
import type { Principal } from '../auth/principal.ts'
import { areaScope } from '../auth/area-scope.ts'

export interface UnitRow {
  id: string
  callsign: string
  type: string
  status: string
  stationId: string | null
  orgCode: string | null
  lon: number | null
  lat: number | null
  headingDeg: number | null
  speedMps: number | null
  deviceTime: string | null
  gridCode: string | null
}

/**
 * Every unit under a jurisdiction (area code prefix) with its latest position, if it has reported. A unit that
 * has not reported yet counts where its home grid is. With a principal, also only what lies in its jurisdiction.
 */
export async function unitsWithPositions(q: Queryable, areaPrefix: string, bbox?: readonly number[], principal?: Principal): Promise<UnitRow[]> {
  const params: unknown[] = [areaPrefix, ...(bbox ?? [null, null, null, null])]
  const scope = principal ? areaScope(principal, 'coalesce(p.grid_code, u.grid_code)', params) : 'TRUE'
  const r = await q.query<UnitRow>(
    `SELECT u.id, u.callsign, u.type, u.status, u.station_id AS "stationId", u.org_code AS "orgCode",
            ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat, p.heading_deg AS "headingDeg", p.speed_mps AS "speedMps",
            to_char(p.device_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "deviceTime",
            coalesce(p.grid_code, u.grid_code) AS "gridCode"
     FROM unit u LEFT JOIN unit_position_latest p ON p.unit_id = u.id
     WHERE coalesce(p.grid_code, u.grid_code, '') LIKE $1 || '%'
       AND ($2::float8 IS NULL OR p.geom && ST_MakeEnvelope($2, $3, $4, $5, 4326))
       AND ${scope}
     ORDER BY u.id`,
    params,
  )
  return r.rows
}
