import type { Queryable } from '../../server/db/db.ts'
import { bulkInsert, type BulkColumn } from '../../server/db/bulk-insert.ts'
import type { FileFormat } from '../../geo/import/import-kind.ts'
import { issue, type ImportIssue } from '../../geo/import/import-report.ts'
import { recordsFromFile } from '../../geo/import/source-records.ts'
import { checkUnitRecords, UNIT_COLUMNS, type UnitRecord } from '../../geo/import/unit-records.ts'
import { assignGridCodes, regriddedCounts } from './assign-grid-codes.ts'
import type { CheckedFile } from './checked-file.ts'
import { upsertSuffix } from './upsert.ts'

// status is live state (available, on scene...), not master data: an import never overwrites it.
const UNIT_TABLE_COLUMNS: BulkColumn[] = [
  { name: 'id', type: 'text' },
  { name: 'callsign', type: 'text' },
  { name: 'type', type: 'text' },
  { name: 'station_id', type: 'text' },
  { name: 'org_code', type: 'text' },
  { name: 'shift', type: 'text' },
  { name: 'home', type: 'text', expr: 'ST_GeomFromText(v, 4326)' },
]
const DEVICE_TABLE_COLUMNS: BulkColumn[] = [
  { name: 'id', type: 'text' },
  { name: 'unit_id', type: 'text' },
]

/** Units are added or updated by id, each with the tracker that reports for it. */
export async function checkUnitsFile(db: Queryable, format: FileFormat, text: string): Promise<CheckedFile> {
  const source = recordsFromFile(format, text, UNIT_COLUMNS, { pointRequired: false })
  const { units, issues } = checkUnitRecords(source.records)
  issues.push(...(await missingReferences(db, units)))
  return {
    counts: {
      units: source.records.length,
      devices: source.records.filter((r) => r.fields.device_id !== undefined).length,
    },
    issues: [...source.issues, ...issues],
    write: (tx) => writeUnits(tx, units),
  }
}

/** station_id and org_code must name rows that exist, or the foreign keys reject the whole file. */
async function missingReferences(db: Queryable, units: readonly UnitRecord[]): Promise<ImportIssue[]> {
  const known = async (sql: string, values: Array<string | undefined>) => {
    const wanted = [...new Set(values.filter((v) => v !== undefined))]
    if (wanted.length === 0) return new Set<string>()
    return new Set((await db.query<{ k: string }>(sql, [wanted])).rows.map((r) => r.k))
  }
  const stations = await known('SELECT id AS k FROM station WHERE id = ANY($1::text[])', units.map((u) => u.station_id))
  const orgs = await known('SELECT code AS k FROM org WHERE code = ANY($1::text[])', units.map((u) => u.org_code))
  const issues: ImportIssue[] = []
  for (const u of units) {
    if (u.station_id !== undefined && !stations.has(u.station_id)) {
      issues.push(issue('error', `no station ${u.station_id} in the database`, { ...u.place, field: 'station_id' }))
    }
    if (u.org_code !== undefined && !orgs.has(u.org_code)) {
      issues.push(issue('error', `no org ${u.org_code} in the database`, { ...u.place, field: 'org_code' }))
    }
  }
  return issues
}

async function writeUnits(tx: Queryable, units: readonly UnitRecord[]): Promise<Record<string, number>> {
  const ids = units.map((u) => u.id)
  const existing = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM unit WHERE id = ANY($1::text[])', [ids])
  await bulkInsert(
    tx,
    'unit',
    UNIT_TABLE_COLUMNS,
    units.map((u) => [
      u.id, u.callsign, u.type, u.station_id, u.org_code, u.shift,
      u.home_lon === undefined ? null : `POINT(${u.home_lon} ${u.home_lat})`,
    ]),
    upsertSuffix('id', UNIT_TABLE_COLUMNS),
  )
  const withDevice = units.filter((u) => u.device_id !== undefined)
  const devices = withDevice.map((u) => [u.device_id, u.id])
  await bulkInsert(tx, 'device', DEVICE_TABLE_COLUMNS, devices, upsertSuffix('id', DEVICE_TABLE_COLUMNS))
  const updated = existing.rows[0].n
  return { added: units.length - updated, updated, ...regriddedCounts(await assignGridCodes(tx, { table: 'unit', ids })) }
}
