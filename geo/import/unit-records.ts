import { z } from 'zod'
import type { ImportIssue, Place } from './import-report.ts'
import { duplicateIssues, fieldIssues, numberField, textField, type RecordColumns, type SourceRecord } from './source-records.ts'

export const UNIT_COLUMNS: RecordColumns = {
  header: ['id', 'callsign', 'type', 'station_id', 'org_code', 'shift', 'device_id', 'home_lon', 'home_lat'],
  required: ['id', 'callsign', 'type', 'shift'],
  position: ['home_lon', 'home_lat'],
}

export const unitRecordSchema = z
  .object({
    id: textField,
    callsign: textField,
    type: textField,
    station_id: textField.optional(),
    org_code: textField.optional(),
    shift: textField,
    device_id: textField.optional(),
    home_lon: numberField((n) => n.min(-180, 'must be -180…180').max(180, 'must be -180…180')).optional(),
    home_lat: numberField((n) => n.min(-90, 'must be -90…90').max(90, 'must be -90…90')).optional(),
  })
  .superRefine((u, ctx) => {
    if ((u.home_lon === undefined) !== (u.home_lat === undefined)) {
      const missing = u.home_lon === undefined ? 'home_lon' : 'home_lat'
      ctx.addIssue({ code: 'custom', path: [missing], message: 'a home needs both home_lon and home_lat' })
    }
  })

export type UnitRecord = z.infer<typeof unitRecordSchema> & { place: Place }

/** Field checks, then unit ids and device ids unique in the file (a device reports for exactly one unit). */
export function checkUnitRecords(records: readonly SourceRecord[]): { units: UnitRecord[]; issues: ImportIssue[] } {
  const units: UnitRecord[] = []
  const issues: ImportIssue[] = []
  for (const r of records) {
    const parsed = unitRecordSchema.safeParse(r.fields)
    if (parsed.success) units.push({ ...parsed.data, place: r.place })
    else issues.push(...fieldIssues(parsed.error, r.place))
  }
  issues.push(
    ...duplicateIssues(units, (u) => u.id, (u) => u.place, 'id'),
    ...duplicateIssues(units, (u) => u.device_id, (u) => u.place, 'device_id'),
  )
  return { units, issues }
}
