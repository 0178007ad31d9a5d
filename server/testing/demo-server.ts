import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { CLIENT_DIST } from '../app.ts'
import { ensureClientBuilt } from '../client-build.ts'
import { loadConfig } from '../config/config.ts'
import type { Backend } from '../db/db.ts'
import { startServer, type Running } from '../start.ts'
import { ensureDemoCity } from '../../seeds/seed-city.ts'
import { openTestDb } from './backends.ts'

/**
 * The whole product on a random port: built pages, a fresh database with a small demo city, and its basemap in
 * a throwaway data directory. For browser and end-to-end tests.
 */
export async function startDemoServer(backend: Backend = 'pglite'): Promise<Running & { stop(): Promise<void> }> {
  const log = pino({ level: 'silent' })
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-demo-'))
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SIMULATOR: 'off', LOG_LEVEL: 'silent', MQTT_PORT: 'off' })
  await ensureClientBuilt(CLIENT_DIST, log)
  const { db, dispose } = await openTestDb(backend)
  await ensureDemoCity(db, { dataDir, incidents: 2000, units: 40, cameras: 60, end: new Date('2026-06-01T00:00:00Z') }, log)
  const running = await startServer(config, log, { db })
  return {
    ...running,
    async stop() {
      running.http.closeAllConnections()
      await running.close()
      await dispose()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
