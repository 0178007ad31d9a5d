import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Queryable } from '../db/db.ts'

/*
 * Per-device ingest keys. A key is 192 random bits, so its SHA-256 is enough at rest (device.key_hash) and costs
 * microseconds per fix, where a password hash would cost 100 ms per position report.
 */
export function deviceKeyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

export function newDeviceKey(): string {
  return randomBytes(24).toString('base64url')
}

/** Gives a device a fresh key (replacing any old one, which stops working) and returns it: shown once. */
export async function issueDeviceKey(db: Queryable, deviceId: string, key = newDeviceKey()): Promise<string> {
  const r = await db.query('UPDATE device SET key_hash = $2 WHERE id = $1', [deviceId, deviceKeyHash(key)])
  if (r.affectedRows !== 1) throw new Error(`no device ${deviceId}`)
  return key
}

// A device's stored hash is trusted this long; a changed or revoked key takes effect within it.
const CACHE_MS = 30_000
// A wrong key re-reads the device at most this often, so a device with a stale key cannot hammer the database.
const RECHECK_MS = 2_000

/** Checks device keys against device.key_hash; an unknown, inactive or keyless device never passes. */
export class DeviceKeys {
  private readonly cache = new Map<string, { hash: string | null; at: number }>()

  constructor(
    private readonly db: Queryable,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(deviceId: string, key: string | null | undefined): Promise<boolean> {
    if (!key || !deviceId) return false
    const presented = Buffer.from(deviceKeyHash(key), 'hex')
    const t = this.now()
    let entry = this.cache.get(deviceId)
    const matches = () => entry?.hash != null && timingSafeEqual(Buffer.from(entry.hash, 'hex'), presented)
    if (entry && t - entry.at < CACHE_MS && matches()) return true
    if (!entry || t - entry.at >= RECHECK_MS) {
      const r = await this.db.query<{ hash: string | null }>('SELECT key_hash AS hash FROM device WHERE id = $1 AND active', [deviceId])
      entry = { hash: r.rows[0]?.hash ?? null, at: t }
      if (this.cache.size > 100_000) this.cache.clear()
      this.cache.set(deviceId, entry)
    }
    return matches()
  }
}

/** `Authorization: Basic base64(user:password)`, as OwnTracks, Traccar Client and most trackers send it. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header ?? '')
  if (!m) return null
  const decoded = Buffer.from(m[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

/** Fresh keys for many devices in one statement (the simulator provisions the devices it drives); id -> key. */
export async function issueDeviceKeys(db: Queryable, deviceIds: readonly string[]): Promise<Map<string, string>> {
  const keys = new Map(deviceIds.map((id) => [id, newDeviceKey()]))
  await db.query(
    `UPDATE device d SET key_hash = k.hash FROM unnest($1::text[], $2::text[]) AS k(id, hash) WHERE d.id = k.id`,
    [[...keys.keys()], [...keys.values()].map(deviceKeyHash)],
  )
  return keys
}

/** The HTTP Basic header a device sends: user = device id, password = its key. */
export function deviceBasicAuth(deviceId: string, key: string): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`${deviceId}:${key}`).toString('base64')}` }
}
