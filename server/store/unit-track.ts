import type { Queryable } from '../db/db.ts'
import type { Principal } from '../auth/principal.ts'
import { areaScope } from '../auth/area-scope.ts'

/**
 * A unit's fixes in a window as a GeoJSON FeatureCollection: one point per fix (with its filter verdict), in
 * device-time order. Null if there is no such unit, so the route can tell "no unit" from "no fixes". With a
 * principal, a unit outside its jurisdiction (by latest position, else home grid) does not exist, and only the
 * fixes inside it are returned.
 */
export async function unitTrack(q: Queryable, unitId: string, from: Date, to: Date, includeFiltered: boolean, principal?: Principal): Promise<object | null> {
  const params: unknown[] = [unitId, from, to, includeFiltered]
  const unitScope = principal ? areaScope(principal, 'coalesce(p.grid_code, u.grid_code)', params) : 'TRUE'
  const fixScope = principal ? areaScope(principal, 'grid_code', params) : 'TRUE'
  const r = await q.query<{ fc: object | null }>(
    `SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM unit u LEFT JOIN unit_position_latest p ON p.unit_id = u.id
                                  WHERE u.id = $1 AND ${unitScope}) THEN NULL ELSE
       json_build_object('type', 'FeatureCollection', 'unitId', $1::text, 'from', $2::timestamptz, 'to', $3::timestamptz,
         'features', coalesce((
           SELECT json_agg(json_build_object('type', 'Feature',
             'geometry', ST_AsGeoJSON(geom, 6)::json,
             'properties', json_build_object('deviceTime', device_time, 'speedMps', speed_mps, 'headingDeg', heading_deg,
               'accuracyM', accuracy_m, 'gridCode', grid_code, 'source', source, 'verdict', verdict))
             ORDER BY device_time)
           FROM position_history
           WHERE unit_id = $1 AND device_time >= $2 AND device_time < $3 AND ($4 OR verdict = 'accepted') AND ${fixScope}), '[]'::json))
     END AS fc`,
    params,
  )
  return r.rows[0]?.fc ?? null
}
