import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Backend, Db } from '../../server/db/db.ts'
import { openPglite, type PgliteDb } from '../../server/db/pglite-db.ts'
import { openPostgres } from '../../server/db/pg-db.ts'
import { migrate, readMigrations } from '../../server/db/migrate.ts'
import type { Logger } from '../../server/logger.ts'
import { adminUrl, withDatabase } from '../../server/testing/postgres-url.ts'
import { seedDemoCity } from '../../seeds/seed-city.ts'
import { loadMontevideo } from '../../seeds/osm/city-layers.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const CACHE_DIR = join(tmpdir(), 'gridwatch-bench')

/**
 * The demo city with enough units for the benchmarks, ready to be opened as often as a benchmark needs: on
 * PGlite a dump (made once per schema and seed code version, kept in the temp dir, ~5 s to load instead of ~50 s
 * to build), on PostgreSQL a fresh database `gridwatch_bench_<pid>` dropped at the end.
 */
export interface BenchCity {
  backend: Backend
  /** How the benchmarks' database is set up, for the report. */
  describe: string
  units: number
  /** Where a child process finds the same city. */
  source: CitySource
  dispose(): Promise<void>
}

export type CitySource = { backend: 'pglite'; dump: string } | { backend: 'postgres'; url: string }

/** One open copy of the city: the project's Db and, for the raw baselines, what they need beyond it. */
export interface OpenCity {
  db: Db
  /** PGlite only: `db` with PGlite's extras (COPY FROM '/dev/blob', dumpDataDir). */
  pglite?: PgliteDb
  /** PostgreSQL only: the database URL (the baseline opens its own pg client for COPY FROM STDIN). */
  url?: string
  close(): Promise<void>
}

/** Position tables emptied between runs. */
export async function clearPositions(db: Db): Promise<void> {
  await db.exec('TRUNCATE position_history, unit_position_latest')
}

export async function prepareBenchCity(units: number, log: Logger): Promise<BenchCity> {
  const databaseUrl = process.env.DATABASE_URL
  if (databaseUrl) return preparePostgres(databaseUrl, units, log)
  return preparePglite(units, log)
}

async function preparePglite(units: number, log: Logger): Promise<BenchCity> {
  mkdirSync(CACHE_DIR, { recursive: true })
  const dump = join(CACHE_DIR, `city-${sourceVersion(['seeds', 'geo/grids'])}-${units}u.tar.gz`)
  if (!existsSync(dump)) {
    log.info(`building the benchmark city (${units} units) on PGlite once; kept in ${dump}`)
    const db = await openPglite()
    await migrate(db)
    await seedCity(db, units, log)
    const tarball = await db.dumpDataDir('gzip')
    await db.close()
    writeFileSync(dump + '.tmp', tarball)
    renameSync(dump + '.tmp', dump)
    // Cities of older schema or seed versions are never used again.
    for (const f of readdirSync(CACHE_DIR)) {
      if (f.startsWith('city-') && f.endsWith(`-${units}u.tar.gz`) && join(CACHE_DIR, f) !== dump) rmSync(join(CACHE_DIR, f), { force: true })
    }
  }
  const version = (JSON.parse(readFileSync(join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string }).version
  return {
    backend: 'pglite',
    describe: `PGlite ${version} + PostGIS, in a worker thread of the server process (WASM), data directory on local disk, loaded from a cached dump`,
    units,
    source: { backend: 'pglite', dump },
    dispose: async () => {},
  }
}

async function preparePostgres(url: string, units: number, log: Logger): Promise<BenchCity> {
  const name = `gridwatch_bench_${process.pid}`
  const admin = await openPostgres(adminUrl(url), 1)
  await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await admin.exec(`CREATE DATABASE ${name}`)
  const benchUrl = withDatabase(url, name)
  let version = ''
  try {
    const db = await openPostgres(benchUrl, 2)
    try {
      await migrate(db)
      log.info(`seeding the benchmark city (${units} units) into ${name}`)
      await seedCity(db, units, log)
      version = (await db.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0].v
    } finally {
      await db.close()
    }
  } catch (err) {
    await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.close()
    throw err
  }
  const where = new URL(url)
  return {
    backend: 'postgres',
    describe: `PostgreSQL ${version} + PostGIS at ${where.hostname}:${where.port || 5432}, fresh database ${name} (dropped at the end)`,
    units,
    source: { backend: 'postgres', url: benchUrl },
    async dispose() {
      await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.close()
    },
  }
}

async function seedCity(db: Db, units: number, log: Logger): Promise<void> {
  const city = await loadMontevideo()
  // Positions only: no incident history, a few cameras.
  await seedDemoCity(db, city, { dataDir: CACHE_DIR, incidents: 0, units, cameras: 20, end: new Date('2026-06-01T00:00:00Z') }, log)
}

/** Opens a copy of the city. PGlite: a private data directory loaded from the dump (removed on close). */
export async function openCity(source: CitySource, poolSize = 10): Promise<OpenCity> {
  if (source.backend === 'postgres') {
    const db = await openPostgres(source.url, poolSize)
    return { db, url: source.url, close: () => db.close() }
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-bench-pglite-'))
  const db = await openPglite({ dataDir, loadDataDir: new Blob([readFileSync(source.dump)]) })
  await migrate(db)
  return {
    db,
    pglite: db,
    async close() {
      await db.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * A short hash of the migrations and the TypeScript sources under `paths` (folders or files, from the repository
 * root): a cached benchmark database built by that code is used only while this stays the same.
 */
export function sourceVersion(paths: readonly string[]): string {
  const h = createHash('sha256')
  for (const m of readMigrations()) h.update(m.checksum)
  const walk = (p: string, name: string) => {
    if (statSync(p).isDirectory()) {
      for (const e of readdirSync(p).sort()) walk(join(p, e), e)
    } else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) h.update(name).update(readFileSync(p))
  }
  for (const p of paths) walk(join(ROOT, p), p)
  return h.digest('hex').slice(0, 12)
}
