import type { Queryable } from '../../server/db/db.ts'
import { bulkInsert } from '../../server/db/bulk-insert.ts'
import type { GridIndex } from '../../geo/grid-index/grid-index.ts'
import type { Camera } from '../demo/cameras.ts'

export async function loadCameras(q: Queryable, cameras: readonly Camera[], grids: GridIndex): Promise<number> {
  return bulkInsert(
    q,
    'camera',
    [
      { name: 'id', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'name_en', type: 'text' },
      { name: 'geom', type: 'text', expr: 'ST_GeomFromText(v, 4326)' },
      { name: 'heading_deg', type: 'float4' },
      { name: 'fov_deg', type: 'float4' },
      { name: 'range_m', type: 'float4' },
      { name: 'placement', type: 'text' },
      { name: 'owner', type: 'text' },
      { name: 'frigate_name', type: 'text' },
      { name: 'status', type: 'text' },
      { name: 'grid_code', type: 'text' },
      { name: 'stream_url', type: 'text' },
      { name: 'stream_kind', type: 'text' },
    ],
    cameras.map((c) => [
      c.id, c.nameZh, c.nameEn, `POINT(${c.lon} ${c.lat})`, c.headingDeg, c.fovDeg, c.rangeM, c.placement, c.owner,
      c.frigateName, c.status, grids.lookup(c.lon, c.lat), c.streamUrl, c.streamKind,
    ]),
  )
}
