import type { Db, Queryable } from '../db/db.ts'
import type { Principal } from '../auth/principal.ts'
import { areaScope } from '../auth/area-scope.ts'
import type { StepLimits } from '../../geo/catalogue/category.ts'
import { stepDeadline } from '../../geo/catalogue/step-deadline.ts'
import type { IncidentFeature, IncidentReport, IncidentState } from '../../geo/ingest/incident-report.ts'

/** The report names a category that is not in the catalogue, or no longer active. */
export class UnknownCategoryError extends Error {
  constructor(readonly code: string) {
    super(`unknown or inactive category ${code}`)
  }
}

/** Who wrote an incident in and through what: recorded on its first case event. */
export interface IntakeChannel {
  channel: 'api' | 'open311'
  /** The user or client that submitted it, when known. */
  actor: string | null
  /** A signed-in user may only report inside their jurisdiction; absent for public channels such as Open311. */
  jurisdiction?: Principal
  attributes?: Record<string, unknown>
}

export interface InsertResult {
  id: number
  /** False when the source id was already known: the existing incident, nothing written. */
  created: boolean
}

/**
 * Writes a new incident and its first case event (collect -> reported) in one transaction, with the priority and
 * the filing deadline of its category. The same (source, source id) again returns the incident already stored,
 * also when two such requests race.
 */
export async function insertIncident(db: Db, report: IncidentReport, gridCode: string | null, via: IntakeChannel): Promise<InsertResult> {
  return db.transaction(async (tx) => {
    const existing = await findBySourceId(tx, report)
    if (existing !== null) return { id: existing, created: false }
    const cat = await tx.query<{ priority: number; limits: StepLimits }>(
      'SELECT priority, limits_minutes AS limits FROM category WHERE code = $1 AND active',
      [report.categoryCode],
    )
    const category = cat.rows[0]
    if (!category) throw new UnknownCategoryError(report.categoryCode)
    const state: IncidentState = 'reported'
    const deadline = stepDeadline({ state, reportedAt: report.reportedAt, filedAt: null, dispatchedAt: null, reportedBackAt: null }, category.limits)
    const inserted = await tx.query<{ id: number }>(
      `INSERT INTO incident (source, source_id, category_code, priority, state, description, address, media_urls, geom,
                             grid_code, reported_at, deadline_at, reporter)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, ST_SetSRID(ST_MakePoint($9, $10), 4326), $11, $12, $13, $14::jsonb)
       ON CONFLICT (source, source_id) WHERE source_id IS NOT NULL DO NOTHING
       RETURNING id`,
      [
        report.source, report.sourceId, report.categoryCode, category.priority, state, report.description, report.address,
        JSON.stringify(report.mediaUrls), report.lon, report.lat, gridCode, report.reportedAt, deadline,
        report.reporter ? JSON.stringify(report.reporter) : null,
      ],
    )
    const id = inserted.rows[0]?.id
    if (id === undefined) {
      // Another request with the same source id committed between our look-up and our insert.
      const winner = await findBySourceId(tx, report)
      if (winner === null) throw new Error('incident insert conflicted but no row holds its source id')
      return { id: winner, created: false }
    }
    await tx.query(
      `INSERT INTO case_event (incident_id, step, from_state, to_state, actor, attributes)
       VALUES ($1, 'collect', NULL, $2, $3, $4::jsonb)`,
      [id, state, via.actor, JSON.stringify({ channel: via.channel, source: report.source, ...via.attributes })],
    )
    return { id, created: true }
  })
}

async function findBySourceId(q: Queryable, report: IncidentReport): Promise<number | null> {
  if (report.sourceId === null) return null
  const r = await q.query<{ id: number }>('SELECT id FROM incident WHERE source = $1 AND source_id = $2', [report.source, report.sourceId])
  return r.rows[0]?.id ?? null
}

const iso = (column: string, as: string) => `to_char(i.${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${as}"`

// Never the reporter's contact details, nor the source's idempotency key.
const FEATURE_COLUMNS = `i.id, i.source, i.category_code AS "categoryCode", i.priority, i.state, i.description, i.address,
  i.media_urls AS "mediaUrls", ST_X(i.geom) AS lon, ST_Y(i.geom) AS lat, i.grid_code AS "gridCode",
  i.department_code AS "departmentCode", i.assigned_unit_id AS "assignedUnitId", ${iso('expected_arrival_at', 'expectedArrivalAt')},
  ${iso('reported_at', 'reportedAt')}, ${iso('filed_at', 'filedAt')}, ${iso('dispatched_at', 'dispatchedAt')},
  ${iso('handled_at', 'handledAt')}, ${iso('reported_back_at', 'reportedBackAt')}, ${iso('verified_at', 'verifiedAt')},
  ${iso('closed_at', 'closedAt')}, ${iso('deadline_at', 'deadlineAt')}, i.reopen_count AS "reopenCount"`

type FeatureRow = IncidentFeature['properties'] & { lon: number; lat: number }

const toFeature = ({ lon, lat, ...properties }: FeatureRow): IncidentFeature => ({
  type: 'Feature',
  id: properties.id,
  geometry: { type: 'Point', coordinates: [lon, lat] },
  properties,
})

/** One incident; with a principal, null when it lies outside its jurisdiction. */
export async function findIncident(q: Queryable, id: number, principal?: Principal): Promise<IncidentFeature | null> {
  const params: unknown[] = [id]
  const scope = principal ? areaScope(principal, 'i.grid_code', params) : 'TRUE'
  const r = await q.query<FeatureRow>(`SELECT ${FEATURE_COLUMNS} FROM incident i WHERE i.id = $1 AND ${scope}`, params)
  return r.rows[0] ? toFeature(r.rows[0]) : null
}

export interface IncidentFilter {
  /** Reported at or after. */
  since?: Date
  states?: readonly string[]
  /** minLon, minLat, maxLon, maxLat */
  bbox?: readonly number[]
  /** Area code prefix: everything in grids under this area. */
  area?: string
  /** Only ids above this (keyset paging). */
  afterId?: number
  limit: number
  /** Only what lies in this principal's jurisdiction. */
  principal?: Principal
}

/** One page in id order, and the cursor of the next page (null on the last one). */
export async function listIncidents(q: Queryable, f: IncidentFilter): Promise<{ features: IncidentFeature[]; next: number | null }> {
  const params: unknown[] = [f.since ?? null, f.states ?? null, ...(f.bbox ?? [null, null, null, null]), f.area ?? null, f.afterId ?? null, f.limit + 1]
  const scope = f.principal ? areaScope(f.principal, 'i.grid_code', params) : 'TRUE'
  const r = await q.query<FeatureRow>(
    `SELECT ${FEATURE_COLUMNS} FROM incident i
     WHERE ($1::timestamptz IS NULL OR i.reported_at >= $1)
       AND ($2::text[] IS NULL OR i.state = ANY($2::text[]))
       AND ($3::float8 IS NULL OR i.geom && ST_MakeEnvelope($3, $4, $5, $6, 4326))
       AND ($7::text IS NULL OR i.grid_code LIKE $7 || '%')
       AND ($8::bigint IS NULL OR i.id > $8)
       AND ${scope}
     ORDER BY i.id
     LIMIT $9`,
    params,
  )
  const more = r.rows.length > f.limit
  const features = r.rows.slice(0, f.limit).map(toFeature)
  return { features, next: more ? features[features.length - 1].id : null }
}

/** At most this many open incidents in a live snapshot, newest first: a wall shows a backlog, not an archive. */
export const SNAPSHOT_MAX_INCIDENTS = 10_000

/** Incidents not yet closed (closed, voided and rejected ones carry closed_at) in grids under an area. */
export async function openIncidentsUnder(q: Queryable, areaPrefix: string, includeUngridded: boolean): Promise<IncidentFeature[]> {
  const r = await q.query<FeatureRow>(
    `SELECT ${FEATURE_COLUMNS} FROM incident i
     WHERE i.closed_at IS NULL AND (i.grid_code LIKE $1 || '%' OR ($2 AND i.grid_code IS NULL))
     ORDER BY i.id DESC
     LIMIT $3`,
    [areaPrefix, includeUngridded, SNAPSHOT_MAX_INCIDENTS],
  )
  return r.rows.map(toFeature)
}

/**
 * The live hub's snapshot provider for the `incidents` layer: open incidents under the subscriber's area. Those
 * outside every grid are published to the city room, so the city's snapshot has them too.
 */
export function incidentSnapshot(q: Queryable, cityCode: string): (areaCode: string) => Promise<IncidentFeature[]> {
  return (areaCode) => openIncidentsUnder(q, areaCode, areaCode === cityCode)
}
