import type { Queryable } from '../db/db.ts'

/** Which unit a tracker belongs to. A device added while running is found on its first message. */
export interface DeviceRegistry {
  unitOf(deviceId: string): Promise<string | null>
  /** The unit of a device already known, without waiting; undefined means ask unitOf. */
  knownUnitOf(deviceId: string): string | undefined
}

// An unknown device that keeps sending (a stranger's phone, a typo) costs one query per this interval, not per fix.
const NEGATIVE_TTL_MS = 30_000

export async function loadDeviceRegistry(db: Queryable): Promise<DeviceRegistry> {
  const known = new Map<string, string>()
  const unknownUntil = new Map<string, number>()
  const all = await db.query<{ id: string; unit_id: string }>('SELECT id, unit_id FROM device WHERE active')
  for (const d of all.rows) known.set(d.id, d.unit_id)
  return {
    knownUnitOf: (deviceId) => known.get(deviceId),
    async unitOf(deviceId) {
      const hit = known.get(deviceId)
      if (hit) return hit
      if ((unknownUntil.get(deviceId) ?? 0) > Date.now()) return null
      const r = await db.query<{ unit_id: string }>('SELECT unit_id FROM device WHERE id = $1 AND active', [deviceId])
      const unit = r.rows[0]?.unit_id ?? null
      if (unit) known.set(deviceId, unit)
      else unknownUntil.set(deviceId, Date.now() + NEGATIVE_TTL_MS)
      return unit
    },
  }
}
