import { z, type ZodError } from 'zod'
import { parseCsv } from './csv.ts'
import { geometryProblem, parseFeatureCollection, type SourceFeature } from './geojson-source.ts'
import type { FileFormat } from './import-kind.ts'
import { issue, type ImportIssue, type Place } from './import-report.ts'

/**
 * One row of a point layer, whichever file it came from: a CSV line or a GeoJSON Point feature whose position
 * fills the two coordinate fields. Blank values are absent values, so "optional" means the same in both.
 */
export interface SourceRecord {
  place: Place
  fields: Record<string, unknown>
}

export interface RecordColumns {
  /** Every column read, in the documented order. */
  header: readonly string[]
  /** Columns a CSV header must have; a missing optional column is a blank one. */
  required: readonly string[]
  /** The fields a GeoJSON Point fills. */
  position: readonly [lon: string, lat: string]
}

/** Spreadsheets and GIS tools write an empty cell as "" or null; both mean the value is not given. */
const blankToAbsent = (v: unknown) => {
  if (v === null) return undefined
  if (typeof v !== 'string') return v
  const t = v.trim()
  return t === '' ? undefined : t
}

/** A feature's properties with blank values removed, trimmed like CSV cells. */
export const presentFields = (properties: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, blankToAbsent(v)]))

export function recordsFromCsv(text: string, columns: RecordColumns): { records: SourceRecord[]; issues: ImportIssue[] } {
  const { records: rows, problems } = parseCsv(text)
  const issues = problems.map((p) => issue('error', p.message, { line: p.line, column: p.column }))
  const [head, ...body] = rows
  if (!head) return { records: [], issues: [...issues, issue('error', 'no header line')] }

  const header = head.fields.map((f) => f.trim().toLowerCase())
  if (header.length === 1 && header[0].includes(';')) {
    return { records: [], issues: [...issues, issue('error', 'fields are separated by ";": save the file with commas', { line: head.line })] }
  }
  const known = new Set(columns.header)
  header.forEach((name, i) => {
    if (name === '') issues.push(issue('warning', `column ${i + 1} has no name and is not read`, { line: head.line }))
    else if (header.indexOf(name) !== i) issues.push(issue('error', 'column named twice', { line: head.line, field: name }))
    else if (!known.has(name)) issues.push(issue('warning', 'unknown column, not read', { line: head.line, field: name }))
  })
  const missing = columns.required.filter((c) => !header.includes(c))
  if (missing.length > 0) {
    const message = `missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header: ${columns.header.join(',')})`
    issues.push(issue('error', message, { line: head.line }))
    return { records: [], issues }
  }

  const records: SourceRecord[] = []
  for (const row of body) {
    if (row.fields.length !== header.length) {
      issues.push(issue('error', `${row.fields.length} fields, but the header has ${header.length}`, { line: row.line }))
      continue
    }
    const fields: Record<string, unknown> = {}
    header.forEach((name, i) => {
      if (known.has(name)) fields[name] = blankToAbsent(row.fields[i])
    })
    records.push({ place: { line: row.line }, fields })
  }
  return { records, issues }
}

export function recordsFromPoints(
  features: readonly SourceFeature[],
  columns: RecordColumns,
  { pointRequired }: { pointRequired: boolean },
): { records: SourceRecord[]; issues: ImportIssue[] } {
  const records: SourceRecord[] = []
  const issues: ImportIssue[] = []
  for (const f of features) {
    const place = { feature: f.index }
    const fields = presentFields(f.properties)
    if (f.geometry !== null || pointRequired) {
      const problem = geometryProblem(f.geometry, ['Point'])
      if (problem) {
        issues.push(issue('error', problem, place))
        continue
      }
      const [lon, lat] = (f.geometry as { coordinates: number[] }).coordinates
      fields[columns.position[0]] = lon
      fields[columns.position[1]] = lat
    }
    records.push({ place, fields })
  }
  return { records, issues }
}

/** Each zod issue as a report line on the record's place and the field it is about. */
export function fieldIssues(error: ZodError, place: Place): ImportIssue[] {
  return error.issues.map((i) => issue('error', i.message, i.path.length > 0 ? { ...place, field: String(i.path[0]) } : place))
}

/** CSV cells are text; GeoJSON properties may already be numbers. `refine` adds the range checks. */
export const numberField = (refine: (n: z.ZodNumber) => z.ZodNumber = (n) => n) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? Number(v) : v),
    refine(z.number({ error: (i) => (i.input === undefined ? 'required' : 'must be a number') })),
  )

export const textField = z.preprocess(
  (v) => (typeof v === 'number' ? String(v) : v),
  z.string({ error: (i) => (i.input === undefined ? 'required' : 'must be text') }),
)

/** Keys that must be unique in a file; each repeat names where the key was first used. */
export function duplicateIssues<T>(
  items: readonly T[],
  keyOf: (t: T) => string | undefined,
  placeOf: (t: T) => Place,
  field: string,
): ImportIssue[] {
  const first = new Map<string, Place>()
  const issues: ImportIssue[] = []
  for (const item of items) {
    const key = keyOf(item)
    if (key === undefined) continue
    const seen = first.get(key)
    if (seen) issues.push(issue('error', `${key} is already used by ${describe(seen)}`, { ...placeOf(item), field }))
    else first.set(key, placeOf(item))
  }
  return issues
}

const describe = (p: Place) => (p.feature !== undefined ? `feature ${p.feature}` : `line ${p.line}`)

/** The records of a point layer from either file format. */
export function recordsFromFile(
  format: FileFormat,
  text: string,
  columns: RecordColumns,
  opts: { pointRequired: boolean },
): { records: SourceRecord[]; issues: ImportIssue[] } {
  if (format === 'csv') return recordsFromCsv(text, columns)
  const source = parseFeatureCollection(text)
  const points = recordsFromPoints(source.features, columns, opts)
  return { records: points.records, issues: [...source.issues, ...points.issues] }
}
