import { PGlite, type PGliteInterface, type Transaction } from '@electric-sql/pglite'
import { postgis } from '@electric-sql/pglite-postgis'
import type { Db, Queryable, QueryResult } from './db.ts'

function wrap(conn: PGliteInterface | Transaction): Queryable {
  return {
    async query<R>(sql: string, params?: unknown[]): Promise<QueryResult<R>> {
      const r = await conn.query<R>(sql, params)
      return { rows: r.rows, affectedRows: r.affectedRows ?? 0 }
    },
    async exec(sql: string) {
      await conn.exec(sql)
    },
  }
}

export interface PgliteOptions {
  /** Directory for the persisted database; omit for in-memory. */
  dataDir?: string
  /** A tarball made by dumpDataDir(), to skip PostGIS initialisation in tests. */
  loadDataDir?: Blob | File
}

export async function openPglite(opts: PgliteOptions = {}): Promise<Db> {
  const pg = await PGlite.create(opts.dataDir, {
    extensions: { postgis },
    ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
  })
  return fromPglite(pg)
}

export function fromPglite(pg: PGlite): Db {
  return {
    backend: 'pglite',
    ...wrap(pg),
    transaction: (fn) => pg.transaction((tx) => fn(wrap(tx))),
    close: () => pg.close(),
  }
}
