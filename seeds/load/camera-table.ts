import type { BulkColumn } from '../../server/db/bulk-insert.ts'

/** The camera table's columns as the demo loader and the file importer write them, in this order. */
export const CAMERA_TABLE_COLUMNS: readonly BulkColumn[] = [
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
  { name: 'stream_url', type: 'text' },
  { name: 'stream_kind', type: 'text' },
]
