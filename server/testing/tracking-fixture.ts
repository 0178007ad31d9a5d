import type { Queryable } from '../db/db.ts'
import { deviceKeyHash } from '../auth/device-keys.ts'
import { buildGridIndex, type GridIndex } from '../../geo/grid-index/grid-index.ts'

/**
 * Two units with trackers and two grids split at lon -56.165, around the shared samples' positions: enough
 * for ingest tests without loading the whole demo city.
 */
export const FIXTURE_GRIDS = {
  west: '999001001001001',
  east: '999001001001002',
}

/** Each fixture device's ingest key (its hash is stored): `key-<device id>`. */
export const fixtureDeviceKey = (deviceId: string) => `key-${deviceId}`

export async function insertTrackingFixture(q: Queryable): Promise<GridIndex> {
  await q.exec(`
    INSERT INTO unit (id, callsign, type, shift) VALUES ('unit-0001', 'P-01', 'patrol_car', 'day'), ('unit-0007', 'P-07', 'foot_patrol', 'day');
    INSERT INTO device (id, unit_id, key_hash) VALUES
      ('unit-0001', 'unit-0001', '${deviceKeyHash(fixtureDeviceKey('unit-0001'))}'),
      ('unit-0002', 'unit-0001', '${deviceKeyHash(fixtureDeviceKey('unit-0002'))}'),
      ('unit-0007', 'unit-0007', '${deviceKeyHash(fixtureDeviceKey('unit-0007'))}');`)
  const square = (w: number, e: number) => ({
    type: 'Polygon' as const,
    coordinates: [[[w, -34.95], [e, -34.95], [e, -34.85], [w, -34.85], [w, -34.95]]],
  })
  return buildGridIndex([
    { type: 'Feature', geometry: square(-56.25, -56.165), properties: { code: FIXTURE_GRIDS.west } },
    { type: 'Feature', geometry: square(-56.165, -56.05), properties: { code: FIXTURE_GRIDS.east } },
  ])
}
