import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { openPglite } from '../db/pglite-db.ts'
import { openPostgres } from '../db/pg-db.ts'
import { migrate, readMigrations } from '../db/migrate.ts'
import { adminUrl, templateDbName, withDatabase } from './postgres-url.ts'

/*
 * A cold PGlite + PostGIS start costs ~15 s, so the migrated database is made once and each test file starts
 * from a dump of it (PGlite loadDataDir) or, on a real server, from a template database.
 */
export default async function setup(project: TestProject): Promise<void> {
  const version = createHash('sha256')
    .update(readMigrations().map((m) => m.checksum).join())
    .digest('hex')
    .slice(0, 12)

  const dir = join(tmpdir(), 'gridwatch-test')
  mkdirSync(dir, { recursive: true })
  const dump = join(dir, `pglite-${version}.tar.gz`)
  if (!existsSync(dump)) {
    const db = await openPglite()
    await migrate(db)
    writeFileSync(dump, await db.dumpDataDir('gzip'))
    await db.close()
  }
  project.provide('pgliteTemplate', dump)

  const url = process.env.DATABASE_URL
  if (url) {
    const template = templateDbName(version)
    const admin = await openPostgres(adminUrl(url), 1)
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template])
    if (exists.rows.length === 0) {
      await admin.exec(`CREATE DATABASE ${template}`)
      const db = await openPostgres(withDatabase(url, template), 1)
      await migrate(db)
      await db.close()
    }
    await admin.close()
    project.provide('postgresTemplate', template)
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string
    postgresTemplate: string
  }
}
