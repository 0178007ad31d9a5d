import { parseArgs } from 'node:util'
import { loadConfig } from '../server/config/config.ts'
import { openDb } from '../server/db/open-db.ts'
import { migrate } from '../server/db/migrate.ts'
import { createLogger } from '../server/logger.ts'
import { cityStats, formatCityStats } from './city-stats.ts'
import { demoCityDetails, ensureDemoCity, resetDemoCity } from './seed-city.ts'

const USAGE = `usage: npm run seed -- [--stats] [--reset] [--incidents N] [--units N]
  Loads the demo city into the configured database (DATABASE_URL, or the embedded one under DATA_DIR).
  --stats        print what is loaded
  --reset        empty the demo tables first and load again
  --incidents N  incidents of history (default SEED_INCIDENTS, 20000); 1000000 for the benchmarks
  --units N      patrol units (default SIM_UNITS, 200)`

const { values } = parseArgs({
  options: {
    stats: { type: 'boolean', default: false },
    reset: { type: 'boolean', default: false },
    incidents: { type: 'string' },
    units: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
if (values.help) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}

const count = (name: string, v: string | undefined, fallback: number) => {
  if (v === undefined) return fallback
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`--${name} must be a non-negative integer, got "${v}"\n${USAGE}\n`)
    process.exit(2)
  }
  return n
}

const config = loadConfig()
const log = createLogger(config.LOG_LEVEL)
const incidents = count('incidents', values.incidents, config.SEED_INCIDENTS)
const units = count('units', values.units, config.SIM_UNITS)
const db = await openDb({ databaseUrl: config.DATABASE_URL, pgliteDir: config.pgliteDir })
try {
  await migrate(db, (m) => log.info(`applying ${m}`))
  const loaded = await demoCityDetails(db)
  if (values.reset && loaded) {
    await resetDemoCity(db)
    log.info('demo city removed')
  } else if (loaded && (loaded.incidents !== incidents || loaded.units !== units) && (values.incidents || values.units)) {
    log.warn(
      { loaded: { incidents: loaded.incidents, units: loaded.units } },
      'the demo city is already loaded with other counts; add --reset to load it again',
    )
  }
  await ensureDemoCity(db, { dataDir: config.dataDir, incidents, units }, log)
  if (values.stats) process.stdout.write(`${formatCityStats(await cityStats(db))}\n`)
} finally {
  await db.close()
}
