import express, { Router } from 'express'
import { z } from 'zod'
import type { Db } from '../db/db.ts'
import { documentRoute } from '../http/api-docs.ts'
import { badRequestFromZod, HttpError } from '../http/http-error.ts'
import { auditNow } from '../audit/audit-http.ts'
import { ROLES, principalOf, requireRole } from './principal.ts'
import { DECOY_HASH, verifyPassword } from './passwords.ts'
import { createSession, revokeSession } from './sessions.ts'
import { findLoginUser, createUser } from './users.ts'
import { changeUser } from './user-changes.ts'
import { clearSessionCookie, credentialOf, setSessionCookie, type Authenticator } from './authenticate.ts'
import { SlidingWindowLimit } from './rate-limit.ts'

export interface AuthPolicy {
  sessionTtlMs: number
  /** Wrong passwords in a row before the account locks. */
  maxFailures: number
  lockMs: number
  /** Login attempts per client address per minute. */
  attemptsPerMinute: number
}

export const DEFAULT_AUTH_POLICY: AuthPolicy = { sessionTtlMs: 12 * 3_600_000, maxFailures: 5, lockMs: 15 * 60_000, attemptsPerMinute: 20 }

const LoginBody = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(1000) })
const Me = z.object({
  username: z.string(), role: z.enum(ROLES), areas: z.union([z.literal('all'), z.array(z.string())]), layers: z.array(z.string()),
})
const LoginAnswer = z.object({ token: z.string(), expiresAt: z.string(), user: Me })
const NewUserBody = z.object({
  username: z.string().regex(/^[a-z0-9_.-]{2,50}$/, 'lower-case letters, digits, _ . -'),
  displayName: z.string().max(100).optional(),
  role: z.enum(ROLES),
  password: z.string().min(12, 'at least 12 characters').max(1000).optional(),
  areas: z.array(z.string().regex(/^\d{6,15}$/, 'an area code')).max(100).default([]),
  layers: z.array(z.enum(['tracks'])).default([]),
})
const UserChangesBody = z
  .strictObject({
    displayName: NewUserBody.shape.displayName,
    role: NewUserBody.shape.role.optional(),
    areas: NewUserBody.shape.areas.removeDefault().optional(),
    layers: NewUserBody.shape.layers.removeDefault().optional(),
    disabled: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, 'change at least one of displayName, role, areas, layers, disabled')
const UserAnswer = z.object({
  id: z.number(), username: z.string(), displayName: z.string(), role: z.enum(ROLES), areas: z.array(z.string()), layers: z.array(z.string()),
  disabled: z.boolean(), sessionsRevoked: z.number(),
})
const TokenBody = z.object({ label: z.string().max(100).optional(), days: z.number().int().min(1).max(3650).default(365) })
const UserId = z.object({ id: z.string().regex(/^\d{1,9}$/).transform(Number) })

documentRoute({
  method: 'post', path: '/api/v1/auth/login', summary: 'Log in: sets the session cookie and returns the same secret as a bearer token',
  tags: ['auth'], body: LoginBody, response: LoginAnswer, errors: [400, 401, 423, 429], access: 'public',
})
documentRoute({ method: 'post', path: '/api/v1/auth/logout', summary: 'Ends this session (cookie or bearer token)', tags: ['auth'], errors: [401], roles: ROLES })
documentRoute({ method: 'get', path: '/api/v1/auth/me', summary: 'Who you are: role, areas, restricted layers', tags: ['auth'], response: Me, errors: [401], roles: ROLES })
documentRoute({
  method: 'post', path: '/api/v1/users', summary: 'Create a user with its role, area grants and restricted layers (admin)',
  tags: ['auth'], body: NewUserBody, errors: [400, 401, 403, 409], roles: ['admin'],
})
documentRoute({
  method: 'patch', path: '/api/v1/users/{id}',
  summary: "Change a user's role, area grants, restricted layers or name, or disable them: their live sockets are disconnected at once, and disabling revokes every session and token (admin)",
  tags: ['auth'], body: UserChangesBody, response: UserAnswer, errors: [400, 401, 403, 404, 409], roles: ['admin'],
})
documentRoute({
  method: 'post', path: '/api/v1/users/{id}/tokens', summary: 'A long-lived API token for a user (a wall display, a gateway); shown once (admin)',
  tags: ['auth'], body: TokenBody, errors: [400, 401, 403, 404], roles: ['admin'],
})

const meOf = (p: ReturnType<typeof principalOf>) => ({ username: p.username, role: p.role, areas: p.areas === 'all' ? 'all' : [...p.areas], layers: [...p.layers] })

/** Login, logout, who am I, and the admin's user and token provisioning. Parses its own JSON bodies. */
export function authRouter(db: Db, auth: Authenticator, policy: AuthPolicy = DEFAULT_AUTH_POLICY, now: () => Date = () => new Date()): Router {
  const r = Router()
  const json = express.json({ limit: '16kb' })
  const throttle = new SlidingWindowLimit(policy.attemptsPerMinute, 60_000, () => now().getTime())

  r.post('/api/v1/auth/login', json, async (req, res) => {
    const wait = throttle.take(req.ip ?? 'unknown')
    if (wait) {
      auditNow(req, res, { action: 'auth.login_throttled', targetType: 'user', targetId: String(req.body?.username ?? '').slice(0, 100) })
      res.setHeader('Retry-After', String(wait))
      throw new HttpError(429, 'too_many_attempts', `too many login attempts from this address; retry in ${wait} s`)
    }
    const body = LoginBody.safeParse(req.body)
    if (!body.success) throw badRequestFromZod(body.error, 'body')
    const { username, password } = body.data
    const user = await findLoginUser(db, username)
    const t = now()
    const fail = (reason: string) => auditNow(req, res, { actor: username, action: 'auth.login_failed', targetType: 'user', targetId: username, detail: { reason } })
    if (user?.lockedUntil && user.lockedUntil > t) {
      fail('locked')
      res.setHeader('Retry-After', String(Math.ceil((user.lockedUntil.getTime() - t.getTime()) / 1000)))
      throw new HttpError(423, 'account_locked', 'too many wrong passwords: this account is locked for a while')
    }
    // A wrong user name costs the same scrypt as a wrong password, so timing does not tell which users exist.
    const ok = await verifyPassword(password, user?.passwordHash ?? DECOY_HASH)
    if (!user || !user.passwordHash || user.disabled || !ok) {
      if (user && !user.disabled) {
        const failures = user.failedLogins + 1
        const lock = failures >= policy.maxFailures
        await db.query('UPDATE app_user SET failed_logins = $2, locked_until = $3 WHERE id = $1', [
          user.id, lock ? 0 : failures, lock ? new Date(t.getTime() + policy.lockMs) : user.lockedUntil,
        ])
      }
      fail(user ? (user.disabled ? 'disabled' : 'wrong_password') : 'unknown_user')
      throw new HttpError(401, 'invalid_credentials', 'wrong user name or password')
    }
    await db.query('UPDATE app_user SET failed_logins = 0, locked_until = NULL WHERE id = $1', [user.id])
    const session = await createSession(db, user.id, { kind: 'session', ttlMs: policy.sessionTtlMs, now: t })
    const principal = await auth.principalOf(session.token)
    if (!principal) throw new Error('a session just created does not resolve')
    req.principal = principal
    auditNow(req, res, { action: 'auth.login', targetType: 'user', targetId: username })
    setSessionCookie(req, res, session.token, session.expiresAt)
    res.json({ token: session.token, expiresAt: session.expiresAt.toISOString(), user: meOf(principal) })
  })

  r.post('/api/v1/auth/logout', requireRole(...ROLES), async (req, res) => {
    const token = credentialOf(req.headers)
    if (token) {
      await revokeSession(db, token, now())
      auth.forget(token)
    }
    auditNow(req, res, { action: 'auth.logout', targetType: 'user', targetId: principalOf(req).username })
    clearSessionCookie(req, res)
    res.status(204).end()
  })

  r.get('/api/v1/auth/me', requireRole(...ROLES), (req, res) => {
    res.json(meOf(principalOf(req)))
  })

  r.post('/api/v1/users', requireRole('admin'), json, async (req, res) => {
    const body = NewUserBody.safeParse(req.body)
    if (!body.success) throw badRequestFromZod(body.error, 'body')
    const exists = await db.query('SELECT 1 FROM app_user WHERE username = $1', [body.data.username])
    if (exists.rows.length) throw new HttpError(409, 'conflict', `user ${body.data.username} exists`)
    await requireKnownAreas(body.data.areas)
    const id = await createUser(db, body.data)
    res.status(201).location(`/api/v1/users/${id}`).json({ id, username: body.data.username })
  })

  r.patch('/api/v1/users/:id', requireRole('admin'), json, async (req, res) => {
    const p = UserId.safeParse(req.params)
    if (!p.success) throw badRequestFromZod(p.error, 'params')
    const body = UserChangesBody.safeParse(req.body)
    if (!body.success) throw badRequestFromZod(body.error, 'body')
    if (body.data.areas) await requireKnownAreas(body.data.areas)
    const user = await changeUser(db, p.data.id, body.data, now())
    if (!user) throw new HttpError(404, 'not_found', `no user ${p.data.id}`)
    // Here before the answer: a request or reconnect after it sees the change (other processes within the cache time).
    auth.forgetUser(user.id)
    auditNow(req, res, {
      action: body.data.disabled ? 'user.disabled' : 'user.changed', targetType: 'user', targetId: user.username,
      detail: { ...body.data, sessionsRevoked: user.sessionsRevoked },
    })
    res.json(user)
  })

  r.post('/api/v1/users/:id/tokens', requireRole('admin'), json, async (req, res) => {
    const p = UserId.safeParse(req.params)
    if (!p.success) throw badRequestFromZod(p.error, 'params')
    const body = TokenBody.safeParse(req.body ?? {})
    if (!body.success) throw badRequestFromZod(body.error, 'body')
    const user = await db.query<{ id: number }>('SELECT id FROM app_user WHERE id = $1 AND NOT disabled', [p.data.id])
    if (!user.rows.length) throw new HttpError(404, 'not_found', `no user ${p.data.id}`)
    const t = await createSession(db, p.data.id, { kind: 'api', ttlMs: body.data.days * 86_400_000, label: body.data.label, now: now() })
    res.status(201).json({ token: t.token, expiresAt: t.expiresAt.toISOString() })
  })

  async function requireKnownAreas(areas: readonly string[]): Promise<void> {
    const known = await db.query<{ code: string }>('SELECT code FROM admin_area WHERE code = ANY($1::text[])', [areas])
    const unknown = areas.filter((a) => !known.rows.some((k) => k.code === a))
    if (unknown.length) throw new HttpError(400, 'invalid_request', 'invalid body', unknown.map((a) => ({ path: 'body.areas', message: `no area ${a}` })))
  }

  return r
}
