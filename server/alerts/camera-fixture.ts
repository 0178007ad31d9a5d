import type { Queryable } from '../db/db.ts'

/**
 * Two cameras of the demo city's naming, one in each grid of the tracking fixture (insertTrackingFixture),
 * without a stored grid so that the grid index has to place their alerts.
 */
export const FIXTURE_CAMERAS = {
  west: { id: 'cam-0001', frigateName: 'gate_north', lon: -56.2, lat: -34.9 },
  east: { id: 'cam-0012', frigateName: 'junction_012', lon: -56.1, lat: -34.9 },
}

export async function insertCameraFixture(q: Queryable): Promise<void> {
  for (const c of Object.values(FIXTURE_CAMERAS)) {
    await q.query(
      `INSERT INTO camera (id, name, geom, heading_deg, fov_deg, range_m, placement, owner, frigate_name, stream_url)
       VALUES ($1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326), 90, 60, 80, 'entrance', 'fixture', $5, $6)`,
      [c.id, c.frigateName, c.lon, c.lat, c.frigateName, `rtsp://admin:secret@10.0.0.1/${c.frigateName}`],
    )
  }
}
