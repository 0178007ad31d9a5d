import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { io as connect, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestDb } from '../testing/backends.ts'
import { freePort } from '../testing/free-port.ts'
import { createTestUser } from '../testing/test-users.ts'
import { ensureDemoCity } from '../../seeds/seed-city.ts'
import { LIVE_NAMESPACE } from './live-hub.ts'
import { CLIENT_DIST } from '../app.ts'
import { ensureClientBuilt } from '../client-build.ts'
import { decodeUnitFrame, type UnitFrame, type WireUnitFrame } from '../../geo/live/unit-frame.ts'

const ROOT = new URL('../../', import.meta.url).pathname

/**
 * Two real server processes sharing one PostgreSQL and one Redis, as in docker-compose.yml: a position ingested
 * by one reaches a client connected to the other.
 */
describe.runIf(process.env.DATABASE_URL && process.env.REDIS_URL)('two server processes over Redis', () => {
  const procs: ChildProcess[] = []
  const urls: string[] = []
  let dispose: () => Promise<void>
  let dataDir = ''
  let client: Socket
  let token = ''
  let dispatcher: { token: string; userId: number }

  beforeAll(async () => {
    const test = await openTestDb('postgres')
    dispose = test.dispose
    dataDir = mkdtempSync(join(tmpdir(), 'gw-2p-'))
    // Built here, once, so the two processes start serving instead of queueing for the same Vite build.
    await ensureClientBuilt(CLIENT_DIST, pino({ level: 'silent' }))
    await ensureDemoCity(test.db, { dataDir, incidents: 500, units: 20, cameras: 20 }, pino({ level: 'silent' }))
    ;({ token } = await createTestUser(test.db, { role: 'admin' }))
    dispatcher = await createTestUser(test.db, { role: 'dispatcher' })
    const dbName = (await test.db.query<{ d: string }>('SELECT current_database() AS d')).rows[0]!.d
    const databaseUrl = new URL(process.env.DATABASE_URL!)
    databaseUrl.pathname = `/${dbName}`
    const stream = `gridwatch:test:${process.pid}:${Date.now()}`
    for (let i = 0; i < 2; i++) {
      const port = await freePort()
      const p = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        cwd: ROOT,
        env: {
          ...process.env, DATABASE_URL: databaseUrl.href, REDIS_STREAM: stream, PORT: String(port), HOST: '127.0.0.1',
          DATA_DIR: dataDir, SIMULATOR: 'off', LOG_LEVEL: 'warn', MQTT_URL: '', MQTT_PORT: 'off',
          ADMIN_PASSWORD: 'two-processes-admin-password',
          // Both share DATA_DIR; two ffmpegs writing the same camera's segments is not what this test is about.
          VIDEO_TEST_STREAMS: 'off',
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      })
      procs.push(p)
      urls.push(`http://127.0.0.1:${port}`)
    }
    await Promise.all(urls.map(waitReady))
  }, 300_000)

  afterAll(async () => {
    client?.close()
    for (const p of procs) p.kill('SIGTERM')
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : p.once('exit', r)))))
    await dispose?.()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('delivers a position ingested by one process to a client of the other', async () => {
    client = connect(`${urls[1]}${LIVE_NAMESPACE}`, { transports: ['websocket'], auth: { token } })
    const snap = (await client.emitWithAck('subscribe', { layers: ['units'] })) as { units: { rows: unknown[] } }
    expect(snap.units.rows).toHaveLength(20)
    const frame = new Promise<UnitFrame>((resolve) => client.on('units', (f: WireUnitFrame) => resolve(decodeUnitFrame(f))))
    const res = await fetch(`${urls[0]}/api/v1/positions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify([{ deviceId: 'unit-0001', time: new Date().toISOString(), lat: -34.9055, lon: -56.188 }]),
    })
    expect(res.status).toBe(200)
    const f = await Promise.race([frame, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no frame in 5 s')), 5000))])
    expect(f.moves.map((m) => m[0])).toEqual(['unit-0001'])
  })

  it("disconnects a disabled user's socket on the other process at once", async () => {
    const watcher = connect(`${urls[1]}${LIVE_NAMESPACE}`, { transports: ['websocket'], auth: { token: dispatcher.token }, reconnection: false })
    await watcher.emitWithAck('subscribe', { layers: ['units'] })
    const dropped = new Promise<string>((resolve) => watcher.once('disconnect', resolve))
    const res = await fetch(`${urls[0]}/api/v1/users/${dispatcher.userId}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ disabled: true }),
    })
    expect(res.status, await res.clone().text()).toBe(200)
    const reason = await Promise.race([dropped, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('still connected after 5 s')), 5000))])
    expect(reason).toBe('io server disconnect')
    const again = connect(`${urls[1]}${LIVE_NAMESPACE}`, { transports: ['websocket'], auth: { token: dispatcher.token }, reconnection: false })
    await expect(new Promise((resolve, reject) => {
      again.once('connect', () => resolve('connected'))
      again.once('connect_error', reject)
    })).rejects.toThrow()
    again.close()
  })

  it('shuts both processes down cleanly on SIGTERM', async () => {
    for (const p of procs) p.kill('SIGTERM')
    const codes = await Promise.all(procs.map((p) => new Promise<number | null>((r) => (p.exitCode !== null ? r(p.exitCode) : p.once('exit', (c) => r(c))))))
    expect(codes).toEqual([0, 0])
  })
})

async function waitReady(url: string): Promise<void> {
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${url} not ready`)
}
