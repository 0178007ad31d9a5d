import type { Queryable } from '../db/db.ts'
import { OPEN311_CLOSED_STATES, OPEN311_SOURCES } from '../../geo/ingest/parse-open311.ts'

export interface Open311ServiceRow {
  code: string
  kind: 'part' | 'event'
  name: string
  nameEn: string
}

/** The active categories: Open311's service list. */
export async function open311Services(q: Queryable): Promise<Open311ServiceRow[]> {
  const r = await q.query<Open311ServiceRow>(
    `SELECT code, kind, name, name_en AS "nameEn" FROM category WHERE active ORDER BY code`,
  )
  return r.rows
}

export interface Open311RequestRow {
  id: number
  state: string
  categoryCode: string | null
  categoryName: string | null
  categoryNameEn: string | null
  agency: string | null
  agencyEn: string | null
  description: string
  address: string | null
  mediaUrl: string | null
  lon: number
  lat: number
  requestedAt: string
  updatedAt: string
}

export interface Open311Filter {
  /** Overrides every other filter, as Open311 says. */
  ids?: readonly number[]
  serviceCodes?: readonly string[]
  status?: 'open' | 'closed'
  start: Date
  end: Date
  limit: number
}

const iso = (expr: string) => `to_char((${expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`

/**
 * Service requests as Open311 shows them: only what came through the public channels (citizens, grid workers),
 * newest first. Camera, patrol and operator incidents are internal and never listed here.
 */
export async function open311Requests(q: Queryable, f: Open311Filter): Promise<Open311RequestRow[]> {
  const byId = f.ids !== undefined
  const r = await q.query<Open311RequestRow>(
    `SELECT i.id, i.state, i.category_code AS "categoryCode", c.name AS "categoryName", c.name_en AS "categoryNameEn",
            o.name AS agency, o.name_en AS "agencyEn", i.description, i.address, i.media_urls->>0 AS "mediaUrl",
            ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat, ${iso('i.reported_at')} AS "requestedAt",
            ${iso('GREATEST(i.reported_at, i.filed_at, i.dispatched_at, i.handled_at, i.reported_back_at, i.verified_at, i.closed_at)')} AS "updatedAt"
     FROM incident i
     LEFT JOIN category c ON c.code = i.category_code
     LEFT JOIN org o ON o.code = i.department_code
     WHERE i.source = ANY($1::text[])
       AND CASE WHEN $2 THEN i.id = ANY($3::bigint[]) ELSE
             i.reported_at >= $4 AND i.reported_at <= $5
             AND ($6::text[] IS NULL OR i.category_code = ANY($6::text[]))
             AND ($7::text IS NULL OR (CASE WHEN i.state = ANY($8::text[]) THEN 'closed' ELSE 'open' END) = $7)
           END
     ORDER BY i.reported_at DESC, i.id DESC
     LIMIT $9`,
    [
      OPEN311_SOURCES, byId, f.ids ?? [], f.start, f.end, f.serviceCodes ?? null, f.status ?? null, OPEN311_CLOSED_STATES,
      f.limit,
    ],
  )
  return r.rows
}
