import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, inject } from 'vitest'
import type { Backend, Db } from '../db/db.ts'
import { openPglite } from '../db/pglite-db.ts'
import { openPostgres } from '../db/pg-db.ts'
import { adminUrl, withDatabase } from './postgres-url.ts'

/** PGlite always; the real PostgreSQL + PostGIS server too when DATABASE_URL is set. */
export function testBackends(): Backend[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']
}

/** A fresh, migrated, empty database of that backend, and how to throw it away. */
export async function openTestDb(backend: Backend): Promise<{ db: Db; dispose: () => Promise<void> }> {
  if (backend === 'pglite') {
    const dump = readFileSync(inject('pgliteTemplate'))
    const db = await openPglite({ loadDataDir: new Blob([dump]) })
    return { db, dispose: () => db.close() }
  }
  const url = process.env.DATABASE_URL!
  const name = `gridwatch_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const admin = await openPostgres(adminUrl(url), 1)
  await admin.exec(`CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplate')}`)
  const db = await openPostgres(withDatabase(url, name), 4)
  return {
    db,
    async dispose() {
      await db.close()
      await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.close()
    },
  }
}

/** Runs the same suite once per backend, each on its own fresh database. */
export function describeBackends(name: string, suite: (ctx: { db: () => Db; backend: Backend }) => void): void {
  describe.each(testBackends())(`${name} [%s]`, (backend) => {
    let db: Db | undefined
    let dispose: (() => Promise<void>) | undefined
    beforeAll(async () => {
      ;({ db, dispose } = await openTestDb(backend))
    })
    afterAll(async () => {
      await dispose?.()
    })
    suite({
      db: () => {
        if (!db) throw new Error('database not open yet')
        return db
      },
      backend,
    })
  })
}
