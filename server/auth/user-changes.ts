import type { Db } from '../db/db.ts'
import { HttpError } from '../http/http-error.ts'
import type { Role } from './principal.ts'

/** What an admin may change about a user; absent fields stay as they are, given lists replace the old ones. */
export interface UserChanges {
  displayName?: string
  role?: Role
  areas?: readonly string[]
  layers?: readonly string[]
  disabled?: boolean
}

export interface ChangedUser {
  id: number
  username: string
  displayName: string
  role: Role
  areas: string[]
  layers: string[]
  disabled: boolean
  /** Sessions and API tokens ended by this change (all of them when the user is disabled). */
  sessionsRevoked: number
}

/**
 * Applies an admin's changes to a user in one transaction: a disabled user's sessions and tokens are revoked with
 * it, so no request sees the user disabled with a live session. Null for an unknown user; a 409 (and nothing
 * changed) when it would leave no enabled admin, since nobody could then manage users.
 */
export async function changeUser(db: Db, id: number, c: UserChanges, now = new Date()): Promise<ChangedUser | null> {
  return db.transaction(async (tx) => {
    const r = await tx.query<{ username: string; displayName: string; role: Role; disabled: boolean }>(
      `UPDATE app_user SET display_name = coalesce($2, display_name), role = coalesce($3, role), disabled = coalesce($4, disabled)
       WHERE id = $1 RETURNING username, display_name AS "displayName", role, disabled`,
      [id, c.displayName ?? null, c.role ?? null, c.disabled ?? null],
    )
    if (!r.rows.length) return null
    const admins = await tx.query(`SELECT 1 FROM app_user WHERE role = 'admin' AND NOT disabled LIMIT 1`)
    if (!admins.rows.length) throw new HttpError(409, 'last_admin', 'this would leave no enabled admin')
    if (c.areas) {
      await tx.query('DELETE FROM user_grant WHERE user_id = $1', [id])
      await tx.query('INSERT INTO user_grant (user_id, area_code) SELECT $1, unnest($2::text[])', [id, c.areas])
    }
    if (c.layers) {
      await tx.query('DELETE FROM layer_grant WHERE user_id = $1', [id])
      await tx.query('INSERT INTO layer_grant (user_id, layer) SELECT $1, unnest($2::text[])', [id, c.layers])
    }
    const revoked = r.rows[0].disabled
      ? await tx.query('UPDATE auth_session SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL', [id, now])
      : { affectedRows: 0 }
    const grants = await tx.query<{ areas: string[] | null; layers: string[] | null }>(
      `SELECT (SELECT array_agg(area_code ORDER BY area_code) FROM user_grant WHERE user_id = $1) AS areas,
              (SELECT array_agg(layer ORDER BY layer) FROM layer_grant WHERE user_id = $1) AS layers`,
      [id],
    )
    return {
      id, ...r.rows[0], areas: grants.rows[0].areas ?? [], layers: grants.rows[0].layers ?? [], sessionsRevoked: revoked.affectedRows,
    }
  })
}
