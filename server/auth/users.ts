import type { Db, Queryable } from '../db/db.ts'
import type { Role } from './principal.ts'
import { hashPassword } from './passwords.ts'

export interface NewUser {
  username: string
  displayName?: string
  role: Role
  /** Omit for a user that only ever gets API tokens (a wall display, a gateway). */
  password?: string
  /** Area codes; each covers everything under it. */
  areas?: readonly string[]
  /** Restricted layers, e.g. 'tracks'. */
  layers?: readonly string[]
}

/** Creates a user with its grants in one transaction; the id. */
export async function createUser(db: Db, u: NewUser): Promise<number> {
  const hash = u.password === undefined ? null : await hashPassword(u.password)
  return db.transaction(async (tx) => {
    const r = await tx.query<{ id: number }>(
      'INSERT INTO app_user (username, display_name, role, password_hash) VALUES ($1, $2, $3, $4) RETURNING id',
      [u.username, u.displayName ?? u.username, u.role, hash],
    )
    const id = r.rows[0].id
    for (const area of u.areas ?? []) await tx.query('INSERT INTO user_grant (user_id, area_code) VALUES ($1, $2)', [id, area])
    for (const layer of u.layers ?? []) await tx.query('INSERT INTO layer_grant (user_id, layer) VALUES ($1, $2)', [id, layer])
    return id
  })
}

export interface LoginUser {
  id: number
  passwordHash: string | null
  disabled: boolean
  failedLogins: number
  lockedUntil: Date | null
}

export async function findLoginUser(q: Queryable, username: string): Promise<LoginUser | null> {
  const r = await q.query<LoginUser>(
    `SELECT id, password_hash AS "passwordHash", disabled, failed_logins AS "failedLogins", locked_until AS "lockedUntil"
     FROM app_user WHERE username = $1`,
    [username],
  )
  const row = r.rows[0]
  return row ? { ...row, lockedUntil: row.lockedUntil ? new Date(row.lockedUntil) : null } : null
}
