import type { Queryable } from '../db/db.ts'

/**
 * A unit's fixes in a window as a GeoJSON FeatureCollection: one point per fix (with its filter verdict), in
 * device-time order. Null if there is no such unit, so the route can tell "no unit" from "no fixes".
 */
export async function unitTrack(q: Queryable, unitId: string, from: Date, to: Date, includeFiltered: boolean): Promise<object | null> {
  const r = await q.query<{ fc: object | null }>(
    `SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM unit WHERE id = $1) THEN NULL ELSE
       json_build_object('type', 'FeatureCollection', 'unitId', $1::text, 'from', $2::timestamptz, 'to', $3::timestamptz,
         'features', coalesce((
           SELECT json_agg(json_build_object('type', 'Feature',
             'geometry', ST_AsGeoJSON(geom, 6)::json,
             'properties', json_build_object('deviceTime', device_time, 'speedMps', speed_mps, 'headingDeg', heading_deg,
               'accuracyM', accuracy_m, 'gridCode', grid_code, 'source', source, 'verdict', verdict))
             ORDER BY device_time)
           FROM position_history
           WHERE unit_id = $1 AND device_time >= $2 AND device_time < $3 AND ($4 OR verdict = 'accepted')), '[]'::json))
     END AS fc`,
    [unitId, from, to, includeFiltered],
  )
  return r.rows[0]?.fc ?? null
}
