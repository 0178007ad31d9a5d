import type { Db } from '../../server/db/db.ts'
import { deviceKeyHash } from '../../server/auth/device-keys.ts'
import { createSession } from '../../server/auth/sessions.ts'
import { createUser } from '../../server/auth/users.ts'
import type { Role } from '../../server/auth/principal.ts'

/** One device key shared by every benchmark device: the key check is the server's work; which key, is not. */
export const BENCH_DEVICE_KEY = 'bench-device-key'

/**
 * A bearer token for a new user of that role (the bulk-ingest gateway, a wall client) granted those areas, as the
 * server checks it.
 */
export async function benchToken(db: Db, role: Role, areas: readonly string[] = []): Promise<string> {
  const userId = await createUser(db, { username: `bench-${role}-${process.pid}-${Date.now()}`, role, areas })
  return (await createSession(db, userId, { kind: 'api', ttlMs: 86_400_000, label: 'benchmark' })).token
}

/** Every device gets BENCH_DEVICE_KEY, so the OsmAnd and OwnTracks senders can prove who they are. */
export async function keyAllDevices(db: Db): Promise<void> {
  await db.query('UPDATE device SET key_hash = $1', [deviceKeyHash(BENCH_DEVICE_KEY)])
}
