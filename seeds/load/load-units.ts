import type { Queryable } from '../../server/db/db.ts'
import { bulkInsert } from '../../server/db/bulk-insert.ts'
import type { GridIndex } from '../../geo/grid-index/grid-index.ts'
import type { Station, Unit } from '../demo/stations-and-units.ts'

const point = { name: 'geom', type: 'text', expr: 'ST_GeomFromText(v, 4326)' }
const wkt = (lon: number, lat: number) => `POINT(${lon} ${lat})`

/** Stations, the units based at them (or in their grids), and each unit's tracker. */
export async function loadUnits(q: Queryable, stations: readonly Station[], units: readonly Unit[], grids: GridIndex): Promise<void> {
  await bulkInsert(
    q,
    'station',
    [{ name: 'id', type: 'text' }, { name: 'name', type: 'text' }, { name: 'org_code', type: 'text' }, { name: 'grid_code', type: 'text' }, point],
    stations.map((s) => [s.id, `${s.nameZh}（${s.name}）`, 'POLICE_STATION', grids.lookup(s.lon, s.lat), wkt(s.lon, s.lat)]),
  )
  await bulkInsert(
    q,
    'unit',
    [
      { name: 'id', type: 'text' },
      { name: 'callsign', type: 'text' },
      { name: 'type', type: 'text' },
      { name: 'station_id', type: 'text' },
      { name: 'org_code', type: 'text' },
      { name: 'shift', type: 'text' },
      { name: 'grid_code', type: 'text' },
      { ...point, name: 'home' },
    ],
    units.map((u) => [u.id, u.callsign, u.type, u.stationId, u.departmentCode, u.shift, grids.lookup(...u.home), wkt(...u.home)]),
  )
  await bulkInsert(
    q,
    'device',
    [{ name: 'id', type: 'text' }, { name: 'unit_id', type: 'text' }],
    units.map((u) => [u.deviceId, u.id]),
  )
}
