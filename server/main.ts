import { loadConfig } from './config/config.ts'
import { createLogger } from './logger.ts'
import { CLIENT_DIST } from './app.ts'
import { ensureClientBuilt } from './client-build.ts'
import { startServer } from './start.ts'
import { ensureDemoCity } from '../seeds/seed-city.ts'
import { startSimulator } from '../seeds/simulator/simulator.ts'

const config = loadConfig()
const log = createLogger(config.LOG_LEVEL)

await ensureClientBuilt(CLIENT_DIST, log)
const running = await startServer(config, log, {
  prepare: async (db) => {
    await ensureDemoCity(db, { dataDir: config.dataDir, incidents: config.SEED_INCIDENTS, units: config.SIM_UNITS }, log)
  },
})

// The simulator drives the demo city through the public ingest protocols, like real phones and NVRs would; with
// the embedded broker it publishes to it over loopback with the internal credential of this start.
const simulator =
  config.SIMULATOR === 'on'
    ? await startSimulator({
        db: running.db,
        serverUrl: running.url,
        mqttUrl: config.MQTT_URL ?? running.mqtt?.embeddedUrl ?? undefined,
        units: config.SIM_UNITS,
        log: log.child({ component: 'simulator' }),
      })
    : null

const pages = ['/', '/map', '/wall', '/dispatch', '/analyst', '/audit', '/healthz']
process.stdout.write(
  `\ngridwatch is running (${config.DATABASE_URL ? 'PostgreSQL' : 'embedded PGlite'} database)\n` +
    pages.map((p) => `  ${running.url}${p}`).join('\n') +
    '\n\n',
)

let stopping = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    Promise.resolve(simulator?.stop())
      .then(() => running.close())
      .then(
        () => process.exit(0),
        (err) => {
          log.error({ err }, 'shutdown failed')
          process.exit(1)
        },
      )
  })
}
