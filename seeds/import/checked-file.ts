import type { Queryable } from '../../server/db/db.ts'
import { issue, type ImportIssue } from '../../geo/import/import-report.ts'

/** A file after validation: what it holds, what is wrong with it, and how to write it. */
export interface CheckedFile {
  counts: Record<string, number>
  issues: ImportIssue[]
  /** Writes the file in the caller's transaction and returns what changed; called only when no issue is an error. */
  write(tx: Queryable): Promise<Record<string, number>>
}

/** A file that could not be read at all: nothing to count and nothing to write. */
export function unreadable(issues: ImportIssue[]): CheckedFile {
  return {
    counts: {},
    issues: issues.length > 0 ? issues : [issue('error', 'the file holds nothing to import')],
    write: () => Promise.reject(new Error('an unreadable file cannot be written')),
  }
}
