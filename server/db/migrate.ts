import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Db } from './db.ts'

/*
 * Why not node-pg-migrate or similar: they drive a `pg` connection, and the embedded backend (PGlite) is an
 * in-process WASM database with no wire protocol. The same numbered .sql files run on both backends here, each
 * in its own transaction, and a changed file that already ran is an error rather than a silent drift.
 */

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url))

export interface Migration {
  id: string
  sql: string
  checksum: string
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const sql = readFileSync(dir + f, 'utf8')
      return { id: f.replace(/\.sql$/, ''), sql, checksum: createHash('sha256').update(sql).digest('hex') }
    })
}

export async function migrate(db: Db, onProgress: (msg: string) => void = () => {}): Promise<string[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migration (
    id text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
  const applied = new Map(
    (await db.query<{ id: string; checksum: string }>('SELECT id, checksum FROM schema_migration')).rows.map((r) => [
      r.id,
      r.checksum,
    ]),
  )
  const ran: string[] = []
  for (const m of readMigrations()) {
    const known = applied.get(m.id)
    if (known === m.checksum) continue
    if (known) throw new Error(`migration ${m.id} was changed after it was applied; add a new migration instead`)
    onProgress(`migration ${m.id}`)
    await db.transaction(async (tx) => {
      await tx.exec(m.sql)
      await tx.query('INSERT INTO schema_migration (id, checksum) VALUES ($1, $2)', [m.id, m.checksum])
    })
    ran.push(m.id)
  }
  return ran
}
