import type { Queryable } from '../../server/db/db.ts'
import { bulkInsert } from '../../server/db/bulk-insert.ts'
import { CAMERA_TABLE_COLUMNS } from '../load/camera-table.ts'
import { checkCameraRecords, CAMERA_COLUMNS, type CameraRecord } from '../../geo/import/camera-records.ts'
import type { FileFormat } from '../../geo/import/import-kind.ts'
import { issue, type ImportIssue } from '../../geo/import/import-report.ts'
import { recordsFromFile } from '../../geo/import/source-records.ts'
import { assignGridCodes, regriddedCounts } from './assign-grid-codes.ts'
import type { CheckedFile } from './checked-file.ts'
import { upsertSuffix } from './upsert.ts'

/** Cameras are added or updated by id; cameras the file does not mention, and their alerts, stay. */
export async function checkCamerasFile(db: Queryable, format: FileFormat, text: string): Promise<CheckedFile> {
  const source = recordsFromFile(format, text, CAMERA_COLUMNS, { pointRequired: true })
  const { cameras, issues } = checkCameraRecords(source.records)
  issues.push(...(await frigateNamesTaken(db, cameras)))
  return {
    counts: { cameras: source.records.length },
    issues: [...source.issues, ...issues],
    write: (tx) => writeCameras(tx, cameras),
  }
}

/** frigate_name is UNIQUE: a name held by a camera outside the file would make the write fail. */
async function frigateNamesTaken(db: Queryable, cameras: readonly CameraRecord[]): Promise<ImportIssue[]> {
  const named = cameras.filter((c) => c.frigate_name !== undefined)
  if (named.length === 0) return []
  const taken = await db.query<{ id: string; frigate_name: string }>(
    'SELECT id, frigate_name FROM camera WHERE frigate_name = ANY($1::text[]) AND NOT id = ANY($2::text[])',
    [named.map((c) => c.frigate_name), cameras.map((c) => c.id)],
  )
  const holder = new Map(taken.rows.map((r) => [r.frigate_name, r.id]))
  return named.flatMap((c) => {
    const id = holder.get(c.frigate_name!)
    if (!id) return []
    return [issue('error', `${c.frigate_name} is already the Frigate name of camera ${id}`, { ...c.place, field: 'frigate_name' })]
  })
}

async function writeCameras(tx: Queryable, cameras: readonly CameraRecord[]): Promise<Record<string, number>> {
  const ids = cameras.map((c) => c.id)
  const existing = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM camera WHERE id = ANY($1::text[])', [ids])
  // Frees the names first, so a file that swaps two cameras' Frigate names does not trip the UNIQUE check.
  await tx.query('UPDATE camera SET frigate_name = NULL WHERE id = ANY($1::text[]) AND frigate_name IS NOT NULL', [ids])
  await bulkInsert(
    tx,
    'camera',
    CAMERA_TABLE_COLUMNS,
    cameras.map((c) => [
      c.id, c.name, c.name_en, `POINT(${c.lon} ${c.lat})`, c.heading_deg, c.fov_deg, c.range_m, c.placement, c.owner,
      c.frigate_name, c.status, c.stream_url, c.stream_kind,
    ]),
    upsertSuffix('id', CAMERA_TABLE_COLUMNS),
  )
  const updated = existing.rows[0].n
  return { added: cameras.length - updated, updated, ...regriddedCounts(await assignGridCodes(tx, { table: 'camera', ids })) }
}
