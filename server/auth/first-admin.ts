import type { Db } from '../db/db.ts'
import { randomPassword } from './passwords.ts'
import { createUser } from './users.ts'

/**
 * On a database without any admin, creates `admin` with ADMIN_PASSWORD, or with a random password that is
 * returned to be printed once (it is stored only as a hash). There is never a default password.
 */
export async function ensureFirstAdmin(db: Db, adminPassword?: string): Promise<{ username: string; generatedPassword: string | null } | null> {
  const any = await db.query(`SELECT 1 FROM app_user WHERE role = 'admin' AND NOT disabled LIMIT 1`)
  if (any.rows.length) return null
  const password = adminPassword ?? randomPassword()
  const taken = await db.query(`SELECT 1 FROM app_user WHERE username = 'admin'`)
  const username = taken.rows.length ? `admin-${randomPassword(6).toLowerCase()}` : 'admin'
  try {
    await createUser(db, { username, displayName: 'Administrator', role: 'admin', password })
  } catch (err) {
    // Another server process starting on the same database made it first.
    if ((err as { code?: string }).code === '23505') return null
    throw err
  }
  return { username, generatedPassword: adminPassword ? null : password }
}
