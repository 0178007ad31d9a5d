import { createHash, randomBytes } from 'node:crypto'
import type { Queryable } from '../db/db.ts'
import { ROLES, type Principal, type Role } from './principal.ts'

/** Bearer tokens and session cookies carry the same secret: `gw_` and 256 random bits, base64url. */
export function newToken(): string {
  return `gw_${randomBytes(32).toString('base64url')}`
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export type SessionKind = 'session' | 'api'

export async function createSession(
  db: Queryable,
  userId: number,
  opts: { kind: SessionKind; ttlMs: number; label?: string; now?: Date },
): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken()
  const expiresAt = new Date((opts.now ?? new Date()).getTime() + opts.ttlMs)
  await db.query('INSERT INTO auth_session (token_hash, user_id, kind, label, expires_at) VALUES ($1, $2, $3, $4, $5)', [
    tokenHash(token), userId, opts.kind, opts.label ?? null, expiresAt,
  ])
  return { token, expiresAt }
}

export async function revokeSession(db: Queryable, token: string, now = new Date()): Promise<void> {
  await db.query('UPDATE auth_session SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL', [tokenHash(token), now])
}

/** Roles that see the whole city whatever their grants: they administer or inspect everything. */
const CITY_WIDE: readonly Role[] = ['admin', 'auditor']

interface PrincipalRow {
  userId: number
  username: string
  role: string
  areas: string[] | null
  cityGrant: boolean | null
  layers: string[] | null
}

/**
 * Who a user is for access decisions: role, granted areas (a grant on the city level means the whole city) and
 * restricted layers. Null for a disabled or unknown user.
 */
export async function principalOfUser(db: Queryable, userId: number): Promise<Principal | null> {
  return toPrincipal(
    await db.query<PrincipalRow>(`${PRINCIPAL_SELECT} WHERE u.id = $1 AND NOT u.disabled`, [userId]),
  )
}

/** A live session: who it is and until when (a socket on it is dropped then). */
export interface LiveSession {
  principal: Principal
  expiresAt: Date
}

/** The session behind a live, unrevoked token; null for anything else. */
export async function sessionOfToken(db: Queryable, token: string, now = new Date()): Promise<LiveSession | null> {
  const r = await db.query<PrincipalRow & { expiresAt: Date }>(
    `${PRINCIPAL_SELECT.replace('FROM app_user u', ', s.expires_at AS "expiresAt" FROM app_user u')}
     JOIN auth_session s ON s.user_id = u.id
     WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND NOT u.disabled`,
    [tokenHash(token), now],
  )
  const principal = toPrincipal(r)
  return principal ? { principal, expiresAt: new Date(r.rows[0].expiresAt) } : null
}

const PRINCIPAL_SELECT = `SELECT u.id AS "userId", u.username, u.role,
    (SELECT array_agg(g.area_code ORDER BY g.area_code) FROM user_grant g WHERE g.user_id = u.id) AS areas,
    (SELECT bool_or(a.level = 'city') FROM user_grant g JOIN admin_area a ON a.code = g.area_code WHERE g.user_id = u.id) AS "cityGrant",
    (SELECT array_agg(l.layer) FROM layer_grant l WHERE l.user_id = u.id) AS layers
  FROM app_user u`

function toPrincipal(r: { rows: PrincipalRow[] }): Principal | null {
  const row = r.rows[0]
  if (!row || !(ROLES as readonly string[]).includes(row.role)) return null
  const role = row.role as Role
  return {
    userId: row.userId,
    username: row.username,
    role,
    areas: CITY_WIDE.includes(role) || row.cityGrant ? 'all' : (row.areas ?? []),
    layers: new Set(row.layers ?? []),
  }
}
