import type { Queryable } from '../../server/db/db.ts'
import { bulkInsert } from '../../server/db/bulk-insert.ts'
import { CAMERA_TABLE_COLUMNS } from './camera-table.ts'
import type { GridIndex } from '../../geo/grid-index/grid-index.ts'
import type { Camera } from '../demo/cameras.ts'

export async function loadCameras(q: Queryable, cameras: readonly Camera[], grids: GridIndex): Promise<number> {
  return bulkInsert(
    q,
    'camera',
    [...CAMERA_TABLE_COLUMNS, { name: 'grid_code', type: 'text' }],
    cameras.map((c) => [
      c.id, c.nameZh, c.nameEn, `POINT(${c.lon} ${c.lat})`, c.headingDeg, c.fovDeg, c.rangeM, c.placement, c.owner,
      c.frigateName, c.status, c.streamUrl, c.streamKind, grids.lookup(c.lon, c.lat),
    ]),
  )
}
