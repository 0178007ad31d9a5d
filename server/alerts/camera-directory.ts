import type { CameraRef } from '../../geo/ingest/camera-alert.ts'
import type { Queryable } from '../db/db.ts'

export interface CameraPlace {
  id: string
  lon: number
  lat: number
  /** The grid stored with the camera (seeding/import); the grid index decides first. */
  gridCode: string | null
}

/** Which of our cameras an alert names: by id (webhook) or by its Frigate camera name. */
export interface CameraDirectory {
  resolve(ref: CameraRef): Promise<CameraPlace | null>
}

// A camera added while running is found on its next alert; a misconfigured NVR that keeps naming an unknown
// camera costs one query per this interval, not per message.
const NEGATIVE_TTL_MS = 30_000
// A camera that is moved (or renamed in Frigate) is seen within this time without a restart.
const POSITIVE_TTL_MS = 5 * 60_000

export function cameraDirectory(db: Queryable, now: () => number = Date.now): CameraDirectory {
  const cache = new Map<string, { place: CameraPlace | null; until: number }>()
  return {
    async resolve(ref) {
      const key = ref.by === 'id' ? `id:${ref.id}` : `frigate:${ref.name}`
      const hit = cache.get(key)
      if (hit && hit.until > now()) return hit.place
      const r = await db.query<CameraPlace>(
        `SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat, grid_code AS "gridCode" FROM camera
         WHERE ${ref.by === 'id' ? 'id' : 'frigate_name'} = $1`,
        [ref.by === 'id' ? ref.id : ref.name],
      )
      const place = r.rows[0] ?? null
      cache.set(key, { place, until: now() + (place ? POSITIVE_TTL_MS : NEGATIVE_TTL_MS) })
      return place
    },
  }
}
