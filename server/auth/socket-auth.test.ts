import express from 'express'
import pino from 'pino'
import { Server } from 'socket.io'
import { io as connect, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import type { Config } from '../config/config.ts'
import { errorHandler } from '../http/http-error.ts'
import { describeBackends } from '../testing/backends.ts'
import { listen } from '../testing/listen.ts'
import { authRouter } from './auth-routes.ts'
import { createSecurity, mountSecurity, type AppSecurity } from './security.ts'
import { createSession } from './sessions.ts'
import { authenticateLive } from './socket-auth.ts'
import { createUser } from './users.ts'

describeBackends('live sockets end with their session', ({ db }) => {
  let base = ''
  let close: () => Promise<void>
  let io: Server
  let stop: () => void
  let security: AppSecurity
  let userId: number
  let adminToken = ''
  const sockets: Socket[] = []

  const open = (token: string) => {
    const s = connect(`${base}/live`, { transports: ['websocket'], auth: { token }, reconnection: false })
    sockets.push(s)
    return new Promise<Socket>((resolve, reject) => {
      s.once('connect', () => resolve(s))
      s.once('connect_error', reject)
    })
  }
  const disconnected = (s: Socket) => new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)))
  const token = async (ttlMs = 3_600_000) => (await createSession(db(), userId, { kind: 'api', ttlMs })).token

  beforeAll(async () => {
    await db().exec(`INSERT INTO admin_area (code, level, name, geom) VALUES ('998001', 'city', 'c', ST_Multi(ST_MakeEnvelope(0, 0, 1, 1, 4326)))
      ON CONFLICT DO NOTHING`)
    userId = await createUser(db(), { username: 'sock-disp', role: 'dispatcher', areas: ['998001'] })
    adminToken = (await createSession(db(), await createUser(db(), { username: 'sock-admin', role: 'admin' }), { kind: 'session', ttlMs: 3_600_000 })).token
    security = createSecurity(db(), { SESSION_HOURS: 12, LOGIN_MAX_FAILURES: 3, LOGIN_LOCK_MINUTES: 15 } as Config, pino({ level: 'silent' }))
    const app = express()
    mountSecurity(app, security)
    app.use(authRouter(db(), security.auth, security.policy))
    app.use(errorHandler(pino({ level: 'silent' })))
    const served = await listen(app)
    ;({ url: base, close } = served)
    io = new Server(served.server)
    stop = authenticateLive(io.of('/live'), security.auth, '998001', { expiryCheckMs: 100 })
  })
  afterAll(async () => {
    sockets.forEach((s) => s.close())
    stop?.()
    await security?.audit.flush()
    await new Promise((r) => io?.close(() => r(undefined)))
    await close?.()
  })

  it('disconnects the sockets of a session at its logout, and only those', async () => {
    const ended = await token()
    const other = await token()
    const [a, b, c] = await Promise.all([open(ended), open(ended), open(other)])
    const gone = Promise.all([disconnected(a), disconnected(b)])
    const res = await fetch(`${base}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${ended}` } })
    expect(res.status).toBe(204)
    expect(await gone).toEqual(['io server disconnect', 'io server disconnect'])
    await new Promise((r) => setTimeout(r, 200))
    expect(c.connected).toBe(true)
    // And the ended session cannot come back.
    await expect(open(ended)).rejects.toThrow(/unauthorized/)
  })

  it('disconnects a socket once its session expires', async () => {
    const short = await open(await token(1_000))
    const long = await open(await token())
    expect(short.connected).toBe(true)
    const reason = await disconnected(short)
    expect(reason).toBe('io server disconnect')
    await vi.waitFor(() => expect(long.connected).toBe(true))
  })

  const changeUser = (id: number, body: object) =>
    fetch(`${base}/api/v1/users/${id}`, {
      method: 'PATCH', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    })
  const me = (t: string) => fetch(`${base}/api/v1/auth/me`, { headers: { authorization: `Bearer ${t}` } })

  it("disconnects a user's sockets when an admin changes their role or grants; they reconnect with the new ones", async () => {
    const id = await createUser(db(), { username: 'sock-regrant', role: 'dispatcher', areas: ['998001'] })
    const t = (await createSession(db(), id, { kind: 'api', ttlMs: 3_600_000 })).token
    const bystander = await open(await token())
    expect((await me(t)).status).toBe(200) // now cached
    const s = await open(t)
    const gone = disconnected(s)
    expect((await changeUser(id, { role: 'analyst', layers: ['tracks'] })).status).toBe(200)
    expect(await gone).toBe('io server disconnect')
    expect(await (await me(t)).json()).toMatchObject({ role: 'analyst', layers: ['tracks'] })
    expect((await open(t)).connected).toBe(true)
    expect(bystander.connected).toBe(true)
    expect((await changeUser(id, { areas: ['no-such-area'] })).status).toBe(400)
  })

  it('ends a disabled user: sockets at once, sessions and tokens revoked, no reconnect', async () => {
    const id = await createUser(db(), { username: 'sock-disabled', role: 'supervisor', areas: ['998001'] })
    const [t1, t2] = await Promise.all([1, 2].map(async () => (await createSession(db(), id, { kind: 'api', ttlMs: 3_600_000 })).token))
    expect((await me(t1)).status).toBe(200)
    const sockets = await Promise.all([open(t1), open(t2)])
    const gone = Promise.all(sockets.map(disconnected))
    const res = await changeUser(id, { disabled: true })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ disabled: true, sessionsRevoked: 2 })
    // No timer can have done this: the sessions run for an hour, and the expiry check only ends expired ones.
    expect(await gone).toEqual(['io server disconnect', 'io server disconnect'])
    await expect(open(t1)).rejects.toThrow(/unauthorized/)
    expect((await me(t1)).status).toBe(401)
    expect((await me(t2)).status).toBe(401)
    await security.audit.flush()
    const audit = await db().query<{ actor: string; detail: { sessionsRevoked: number } }>(
      `SELECT actor, detail FROM audit_log WHERE action = 'user.disabled' AND target_id = 'sock-disabled'`,
    )
    expect(audit.rows).toEqual([{ actor: 'sock-admin', detail: { disabled: true, sessionsRevoked: 2 } }])
  })

  it('never disables or demotes the last enabled admin', async () => {
    const admin = await db().query<{ id: number }>(`SELECT id FROM app_user WHERE username = 'sock-admin'`)
    expect((await changeUser(admin.rows[0].id, { role: 'analyst' })).status).toBe(409)
    expect((await changeUser(admin.rows[0].id, { disabled: true })).status).toBe(409)
    expect((await me(adminToken)).status).toBe(200)
    expect((await changeUser(999_999, { disabled: true })).status).toBe(404)
  })
})
