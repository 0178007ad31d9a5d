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
import { createTestUser } from './test-users.ts'
import { randomPassword } from '../auth/passwords.ts'

/** Credentials of a demo server: send `headers` (or the token as `auth: {token}` / `?token=` on a page). */
export interface DemoCredentials {
  /** The first admin's password (set through ADMIN_PASSWORD, so nothing is printed). */
  adminPassword: string
  /** An admin's bearer token, with the restricted `tracks` layer. */
  token: string
  /** `{authorization: 'Bearer <admin token>'}` */
  headers: Record<string, string>
  /** A wall display's token for the whole city. */
  wallToken: string
  /** A gateway's token, for POST /api/v1/positions. */
  gatewayToken: string
  /** Any other user: a role, area grants, restricted layers. */
  user(opts: Parameters<typeof createTestUser>[1]): ReturnType<typeof createTestUser>
}

/**
 * The whole product on a random port: built pages, a fresh database with a small demo city, and its basemap in
 * a throwaway data directory. For browser and end-to-end tests.
 */
export async function startDemoServer(
  backend: Backend = 'pglite',
  /** Settings on top of the test defaults, e.g. `{ MQTT_PORT: '0', WEBHOOK_SECRET: '...' }`. */
  env: Record<string, string> = {},
): Promise<Running & DemoCredentials & { stop(): Promise<void> }> {
  const log = pino({ level: 'silent' })
  const dataDir = mkdtempSync(join(tmpdir(), 'gw-demo-'))
  const adminPassword = randomPassword()
  const config = loadConfig({
    PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SIMULATOR: 'off', LOG_LEVEL: 'silent', MQTT_PORT: 'off', ADMIN_PASSWORD: adminPassword, ...env,
  })
  await ensureClientBuilt(CLIENT_DIST, log)
  const { db, dispose } = await openTestDb(backend)
  await ensureDemoCity(db, { dataDir, incidents: 2000, units: 40, cameras: 60, end: new Date('2026-06-01T00:00:00Z') }, log)
  const running = await startServer(config, log, { db })
  const city = (await db.query<{ code: string }>(`SELECT code FROM admin_area WHERE level = 'city' LIMIT 1`)).rows[0].code
  const admin = await createTestUser(db, { role: 'admin', layers: ['tracks'], username: 'demo-admin' })
  const wall = await createTestUser(db, { role: 'wall', areas: [city], username: 'demo-wall' })
  const gateway = await createTestUser(db, { role: 'gateway', username: 'demo-gateway' })
  return {
    ...running,
    adminPassword,
    token: admin.token,
    headers: admin.headers,
    wallToken: wall.token,
    gatewayToken: gateway.token,
    user: (opts) => createTestUser(db, opts),
    async stop() {
      running.http.closeAllConnections()
      await running.close()
      await dispose()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
