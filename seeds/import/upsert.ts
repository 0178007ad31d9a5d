import type { BulkColumn } from '../../server/db/bulk-insert.ts'

/** The bulkInsert suffix that turns an insert into "add or update by key", overwriting every given column. */
export function upsertSuffix(key: string, columns: readonly BulkColumn[]): string {
  const set = columns.filter((c) => c.name !== key).map((c) => `${c.name} = EXCLUDED.${c.name}`)
  return `ON CONFLICT (${key}) DO UPDATE SET ${set.join(', ')}`
}
