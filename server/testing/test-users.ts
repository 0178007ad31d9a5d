import type { Db } from '../db/db.ts'
import type { Principal, Role } from '../auth/principal.ts'
import { createSession, principalOfUser } from '../auth/sessions.ts'
import { createUser } from '../auth/users.ts'

let serial = 0

/**
 * A user of that role with those area grants (codes that exist in admin_area) and restricted layers, and a bearer
 * token for it, without a password (no scrypt in tests). Send it as `Authorization: Bearer <token>`, as
 * `auth: {token}` to the live socket, or as `?token=` on a page URL.
 */
export async function createTestUser(
  db: Db,
  opts: { role: Role; areas?: readonly string[]; layers?: readonly string[]; username?: string },
): Promise<{ token: string; principal: Principal; userId: number; headers: Record<string, string> }> {
  const username = opts.username ?? `${opts.role}-${process.pid}-${++serial}`
  const userId = await createUser(db, { username, role: opts.role, areas: opts.areas, layers: opts.layers })
  const { token } = await createSession(db, userId, { kind: 'api', ttlMs: 86_400_000 })
  const principal = await principalOfUser(db, userId)
  if (!principal) throw new Error('test user has no principal')
  return { token, principal, userId, headers: { authorization: `Bearer ${token}` } }
}

/** A principal for router tests mounted behind withPrincipal (no database user). */
export function testPrincipal(role: Role, areas: readonly string[] | 'all' = 'all', layers: readonly string[] = []): Principal {
  return { userId: null, username: `test-${role}`, role, areas, layers: new Set(layers) }
}
