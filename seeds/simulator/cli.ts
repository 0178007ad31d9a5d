import { parseArgs } from 'node:util'
import { loadConfig } from '../../server/config/config.ts'
import { openDb } from '../../server/db/open-db.ts'
import { createLogger } from '../../server/logger.ts'
import { startSimulator } from './simulator.ts'

const USAGE = `usage: tsx seeds/simulator/cli.ts [--server URL] [--units N] [--mqtt URL] [--seed S] [--speed-up X] [--start ISO]
  Drives the demo city's units against a running server through its public ingest APIs (OsmAnd and OwnTracks
  over HTTP, OwnTracks and Frigate over MQTT, Open311). Reads the road graph, units, cameras and categories
  once from the configured database (DATABASE_URL, or the embedded one under DATA_DIR: do not point it at the
  data directory of a server that is running; \`npm start\` runs the simulator inside the server instead).
  --server URL          the server (default http://localhost:$PORT)
  --units N             units to simulate, up to 20000 (default SIM_UNITS, 200); only units in the database run
  --mqtt URL            MQTT broker for OwnTracks phones and Frigate reviews (default MQTT_URL; none: HTTP only)
  --seed S              random seed (default gridwatch-sim)
  --speed-up X          simulated seconds per second (default 1); fixes more than 5 min ahead are refused
  --start ISO           simulated start (default now), e.g. an hour ago with --speed-up 60
  --reports-per-day N   citizen reports per day (default: the history's rate)
  --stats-every S       log counters every S seconds (default 30; 0: never)`

const { values } = parseArgs({
  options: {
    server: { type: 'string' },
    units: { type: 'string' },
    mqtt: { type: 'string' },
    seed: { type: 'string' },
    'speed-up': { type: 'string' },
    start: { type: 'string' },
    'reports-per-day': { type: 'string' },
    'stats-every': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
})
if (values.help) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`)
  process.exit(2)
}

function number(name: string, v: string | undefined, fallback: number, check: (n: number) => boolean): number {
  if (v === undefined) return fallback
  const n = Number(v)
  if (!Number.isFinite(n) || !check(n)) fail(`--${name}: not a valid value: "${v}"`)
  return n
}

const config = loadConfig()
const log = createLogger(config.LOG_LEVEL)
const units = number('units', values.units, config.SIM_UNITS, (n) => Number.isInteger(n) && n >= 0 && n <= 20_000)
const speedUp = number('speed-up', values['speed-up'], 1, (n) => n > 0)
const reportsPerDay = values['reports-per-day'] === undefined ? undefined : number('reports-per-day', values['reports-per-day'], 0, (n) => n >= 0)
const statsEvery = number('stats-every', values['stats-every'], 30, (n) => n >= 0)
const startAt = values.start === undefined ? undefined : new Date(values.start)
if (startAt && Number.isNaN(startAt.getTime())) fail(`--start: not a date: "${values.start}"`)
const serverUrl = values.server ?? `http://localhost:${config.PORT}`

const db = await openDb({ databaseUrl: config.DATABASE_URL, pgliteDir: config.pgliteDir })
const roads = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM road_edge').catch(() => ({ rows: [{ n: 0 }] }))
if (!roads.rows[0]?.n) {
  await db.close()
  fail('no demo city in the database: run `npm run seed` (or `npm start`) first')
}

const sim = await startSimulator({
  db, serverUrl, mqttUrl: values.mqtt ?? config.MQTT_URL, units, seed: values.seed, speedUp, startAt, log,
  citizenReportsPerDay: reportsPerDay,
})
// Everything is read at start; the database is not needed any more.
await db.close()

const timer = statsEvery > 0 ? setInterval(() => log.info(sim.stats(), 'simulator stats'), statsEvery * 1000) : null
let stopping = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    if (timer) clearInterval(timer)
    sim.stop().then(
      () => {
        log.info(sim.stats(), 'simulator stats')
        process.exit(0)
      },
      (err: unknown) => {
        log.error({ err }, 'simulator stop failed')
        process.exit(1)
      },
    )
  })
}
