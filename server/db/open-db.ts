import { mkdirSync } from 'node:fs'
import type { Db } from './db.ts'
import { openPglite } from './pglite-db.ts'
import { openPostgres } from './pg-db.ts'

/** DATABASE_URL picks a PostgreSQL + PostGIS server; otherwise the embedded database under the data dir. */
export async function openDb(opts: { databaseUrl?: string; pgliteDir: string; onCrash?: (err: Error) => void }): Promise<Db> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl)
  mkdirSync(opts.pgliteDir, { recursive: true })
  return openPglite({ dataDir: opts.pgliteDir, onCrash: opts.onCrash })
}
