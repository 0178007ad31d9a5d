import { basename } from 'node:path'
import type { Db, Queryable } from '../../server/db/db.ts'
import { formatOfFile, formatProblem, IMPORT_KINDS, type ImportKind } from '../../geo/import/import-kind.ts'
import { escalateWarnings, hasErrors, issue, type FileReport, type ImportOutcome } from '../../geo/import/import-report.ts'
import { unreadable, type CheckedFile } from './checked-file.ts'
import { checkCamerasFile } from './import-cameras.ts'
import { checkGridsFile } from './import-grids.ts'
import { checkRoadsFile } from './import-roads.ts'
import { checkUnitsFile } from './import-units.ts'

export interface ImportFile {
  /** As given on the command line; the report names the file by it. */
  path: string
  kind: ImportKind
  text: string
}

export interface ImportOptions {
  dryRun?: boolean
  strict?: boolean
}

export interface ImportResult {
  reports: FileReport[]
  outcome: ImportOutcome
}

/**
 * Validates every file before writing any, so one bad file leaves the database as it was. Then writes each
 * file in its own transaction, areas before the things placed in them. Never throws for bad input: every
 * problem, even an unexpected database error, becomes a line of the report.
 */
export async function importFiles(db: Db, files: readonly ImportFile[], opts: ImportOptions = {}): Promise<ImportResult> {
  const checked: Array<{ file: ImportFile; report: FileReport; write: CheckedFile['write'] }> = []
  for (const file of files) {
    const c = await checkFile(db, file)
    const issues = opts.strict ? escalateWarnings(c.issues) : c.issues
    const report: FileReport = { file: file.path, kind: file.kind, counts: c.counts, issues, written: false, changes: {} }
    checked.push({ file, report, write: c.write })
  }
  const reports = checked.map((c) => c.report)
  if (reports.some((r) => hasErrors(r.issues))) return { reports, outcome: 'rejected' }
  if (opts.dryRun) return { reports, outcome: 'validated' }

  const inOrder = [...checked].sort((a, b) => IMPORT_KINDS.indexOf(a.file.kind) - IMPORT_KINDS.indexOf(b.file.kind))
  for (const { file, report, write } of inOrder) {
    try {
      report.changes = await db.transaction(async (tx) => {
        const changes = await write(tx)
        await recordDataset(tx, file, { ...report.counts, ...changes })
        return changes
      })
      report.written = true
    } catch (err) {
      report.issues.push(issue('error', `writing failed and was rolled back: ${(err as Error).message}`))
      return { reports, outcome: 'failed' }
    }
  }
  return { reports, outcome: 'written' }
}

async function checkFile(db: Db, file: ImportFile): Promise<CheckedFile> {
  const problem = formatProblem(file.path, file.kind)
  if (problem) return unreadable([issue('error', problem)])
  // Read as UTF-8, other encodings turn into U+FFFD; a spreadsheet in a Chinese locale saves CSV as GBK.
  if (file.text.includes('\uFFFD')) {
    return unreadable([issue('error', 'not UTF-8 text: save the file as UTF-8 (in Excel: "CSV UTF-8")')])
  }
  const format = formatOfFile(file.path)!
  try {
    switch (file.kind) {
      case 'grids':
        return await checkGridsFile(db, file.text)
      case 'roads':
        return checkRoadsFile(file.text)
      case 'cameras':
        return await checkCamerasFile(db, format, file.text)
      case 'units':
        return await checkUnitsFile(db, format, file.text)
    }
  } catch (err) {
    return unreadable([issue('error', `could not be checked: ${(err as Error).message}`)])
  }
}

/** Like the demo city's row: what was loaded, from which file, so an operator can tell later. */
async function recordDataset(tx: Queryable, file: ImportFile, counts: Record<string, number>): Promise<void> {
  await tx.query(
    `INSERT INTO dataset (name, details) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET loaded_at = now(), details = EXCLUDED.details`,
    [`import-${file.kind}`, JSON.stringify({ file: basename(file.path), counts })],
  )
}
