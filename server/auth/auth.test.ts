import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import express from 'express'
import pino from 'pino'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describeBackends } from '../testing/backends.ts'
import { listen } from '../testing/listen.ts'
import { errorHandler, notFoundHandler } from '../http/http-error.ts'
import { verifyAuditChain } from '../audit/verify-chain.ts'
import type { Config } from '../config/config.ts'
import { authRouter } from './auth-routes.ts'
import { createSecurity, mountSecurity, type AppSecurity } from './security.ts'
import { pageGate } from './page-gate.ts'
import { createUser } from './users.ts'
import { ensureFirstAdmin } from './first-admin.ts'
import { verifyPassword } from './passwords.ts'
import { SESSION_COOKIE } from './authenticate.ts'

const PASSWORD = 'correct horse battery staple'

describeBackends('login, sessions and the page gate', ({ db }) => {
  let base = ''
  let close: () => Promise<void>
  let dist: string
  let security: AppSecurity
  // The routes' clock, which a test moves on; it starts now, as the session check (the real clock) must agree with it.
  const clock = { now: new Date() }
  const login = (username: string, password: string, ip = '10.0.0.1') =>
    fetch(`${base}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-test-ip': ip }, body: JSON.stringify({ username, password }),
    })
  const audited = async (action: string) =>
    (await security.audit.flush(), await db().query<{ actor: string; target_id: string; detail: Record<string, unknown> }>('SELECT actor, target_id, detail FROM audit_log WHERE action = $1 ORDER BY id', [action])).rows

  beforeAll(async () => {
    await db().exec(`INSERT INTO admin_area (code, level, name, geom) VALUES ('999001', 'city', 'c', ST_Multi(ST_MakeEnvelope(0, 0, 1, 1, 4326)))`)
    await createUser(db(), { username: 'dina', role: 'dispatcher', password: PASSWORD, areas: ['999001'] })
    await createUser(db(), { username: 'lock', role: 'analyst', password: PASSWORD })
    dist = mkdtempSync(join(tmpdir(), 'gw-dist-'))
    writeFileSync(join(dist, 'wall.html'), '<!doctype html><title>wall</title>')
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>start</title>')
    security = createSecurity(db(), { SESSION_HOURS: 12, LOGIN_MAX_FAILURES: 3, LOGIN_LOCK_MINUTES: 15 } as Config, pino({ level: 'silent' }))
    const app = express()
    // Tests speak for several client addresses; the real app takes the socket's.
    app.use((req, _res, next) => {
      Object.defineProperty(req, 'ip', { value: req.get('x-test-ip') ?? '127.0.0.1' })
      next()
    })
    mountSecurity(app, security)
    app.use(authRouter(db(), security.auth, { ...security.policy, attemptsPerMinute: 8 }, () => clock.now))
    app.use(pageGate(security.auth, dist))
    app.use(express.static(dist, { extensions: ['html'] }))
    app.use(notFoundHandler)
    app.use(errorHandler(pino({ level: 'silent' })))
    ;({ url: base, close } = await listen(app))
  })
  afterAll(async () => {
    await close?.()
    rmSync(dist, { recursive: true, force: true })
  })

  it('logs in: an HTTP-only, SameSite=Strict cookie and the same secret as a bearer token; me says who', async () => {
    const res = await login('dina', PASSWORD)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { token: string; user: { role: string; areas: string } }
    expect(body.user).toMatchObject({ role: 'dispatcher', areas: 'all' })
    const cookie = res.headers.get('set-cookie')!
    expect(cookie).toContain(`${SESSION_COOKIE}=${body.token}`)
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Strict/i)
    expect(cookie).not.toMatch(/Secure/i)
    const behindHttps = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https', 'x-test-ip': '10.0.0.2' },
      body: JSON.stringify({ username: 'dina', password: PASSWORD }),
    })
    expect(behindHttps.headers.get('set-cookie')).toMatch(/Secure/)
    const byBearer = await fetch(`${base}/api/v1/auth/me`, { headers: { authorization: `Bearer ${body.token}` } })
    expect(await byBearer.json()).toMatchObject({ username: 'dina', role: 'dispatcher' })
    const byCookie = await fetch(`${base}/api/v1/auth/me`, { headers: { cookie: `${SESSION_COOKIE}=${body.token}` } })
    expect(byCookie.status).toBe(200)
    expect((await fetch(`${base}/api/v1/auth/me`)).status).toBe(401)
    expect((await fetch(`${base}/api/v1/auth/me`, { headers: { authorization: 'Bearer gw_forged' } })).status).toBe(401)
    // Only the hash of the token is stored.
    const stored = await db().query<{ n: number }>('SELECT count(*)::int AS n FROM auth_session WHERE token_hash = $1', [body.token])
    expect(stored.rows[0].n).toBe(0)
  })

  it('logs out: the token stops working at once', async () => {
    const { token } = (await (await login('dina', PASSWORD, '10.0.0.3')).json()) as { token: string }
    const auth = { authorization: `Bearer ${token}` }
    expect((await fetch(`${base}/api/v1/auth/logout`, { method: 'POST', headers: auth })).status).toBe(204)
    expect((await fetch(`${base}/api/v1/auth/me`, { headers: auth })).status).toBe(401)
    expect((await audited('auth.logout')).map((r) => r.actor)).toEqual(['dina'])
  })

  it('locks an account after repeated wrong passwords, also against the right one, until the lock expires', async () => {
    for (let i = 0; i < 3; i++) expect((await login('lock', 'wrong', `10.1.0.${i}`)).status).toBe(401)
    const locked = await login('lock', PASSWORD, '10.1.0.9')
    expect(locked.status).toBe(423)
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)
    clock.now = new Date(clock.now.getTime() + 16 * 60_000)
    expect((await login('lock', PASSWORD, '10.1.0.10')).status).toBe(200)
    const failures = await audited('auth.login_failed')
    expect(failures.filter((f) => f.target_id === 'lock').map((f) => f.detail.reason)).toEqual(['wrong_password', 'wrong_password', 'wrong_password', 'locked'])
  })

  it('answers an unknown user like a wrong password, and throttles one address across accounts', async () => {
    const unknown = await login('nobody', PASSWORD, '10.2.0.1')
    expect(unknown.status).toBe(401)
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('invalid_credentials')
    const statuses: number[] = []
    for (let i = 0; i < 9; i++) statuses.push((await login(`guess${i}`, 'x', '10.3.0.1')).status)
    expect(statuses.slice(0, 8).every((s) => s === 401)).toBe(true)
    expect(statuses[8]).toBe(429)
    expect((await login('dina', PASSWORD, '10.3.0.2')).status).toBe(200)
  })

  it('records every login, success and failure, in a chain that verifies', async () => {
    await security.audit.flush()
    expect((await audited('auth.login')).length).toBeGreaterThanOrEqual(4)
    expect((await audited('auth.login_failed')).some((r) => r.actor === 'nobody' && r.detail.reason === 'unknown_user')).toBe(true)
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true })
  })

  it('sends a browser without a session to the login form, and turns a ?token= into the session cookie', async () => {
    const anon = await fetch(`${base}/wall?dwell=5`, { redirect: 'manual' })
    expect(anon.status).toBe(302)
    expect(anon.headers.get('location')).toBe('/login?next=%2Fwall%3Fdwell%3D5')
    expect((await fetch(`${base}/`, { redirect: 'manual' })).status).toBe(200)
    const { token } = (await (await login('dina', PASSWORD, '10.4.0.1')).json()) as { token: string }
    const exchange = await fetch(`${base}/wall?token=${token}&dwell=5`, { redirect: 'manual' })
    expect(exchange.status).toBe(302)
    expect(exchange.headers.get('location')).toBe('/wall?dwell=5')
    expect(exchange.headers.get('set-cookie')).toMatch(new RegExp(`${SESSION_COOKIE}=${token}.*HttpOnly`, 'i'))
    const page = await fetch(`${base}/wall?dwell=5`, { headers: { cookie: `${SESSION_COOKIE}=${token}` } })
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/)
    expect(page.headers.get('access-control-allow-origin')).toBeNull()
    const forged = await fetch(`${base}/wall?token=gw_forged`, { redirect: 'manual' })
    expect(forged.headers.get('location')).toMatch(/^\/login\?next=%2Fwall&expired=1$/)
  })

  it('creates the first admin once, from ADMIN_PASSWORD or with a random password it returns to print', async () => {
    const first = await ensureFirstAdmin(db())
    expect(first?.username).toBe('admin')
    expect(first?.generatedPassword).toMatch(/^[a-zA-Z0-9]{20}$/)
    const hash = (await db().query<{ h: string }>(`SELECT password_hash AS h FROM app_user WHERE username = 'admin'`)).rows[0].h
    expect(hash).toMatch(/^scrypt\$/)
    expect(await verifyPassword(first!.generatedPassword!, hash)).toBe(true)
    expect(await ensureFirstAdmin(db(), 'another-password-123')).toBeNull()
  })
})
