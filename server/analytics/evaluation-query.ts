import type { Queryable } from '../db/db.ts'
import type { Principal } from '../auth/principal.ts'
import { incidentFilterSql, type AnalyticsFilters } from './analytics-filters.ts'
import { EXCEPTION_KINDS, TIMED_STEPS, type EvaluationCounts } from '../../geo/analytics/case-evaluation.ts'

export interface EvaluationRow extends EvaluationCounts {
  code: string
  name: string | null
}

/** Where each timed step starts and ends on the incident row (see geo/catalogue/category.ts StepLimits). */
const STEP_SPAN: Record<(typeof TIMED_STEPS)[number], [string, string]> = {
  file: ['reported_at', 'filed_at'],
  dispatch: ['filed_at', 'dispatched_at'],
  handle: ['dispatched_at', 'reported_back_at'],
  verify: ['reported_back_at', 'verified_at'],
}

/**
 * Counts for the 综合评价 per grid or per department, of the cases reported in the window (filters and the
 * caller's jurisdiction applied in SQL). Supervision orders and exceptions come from migration 0007's tables.
 */
export async function evaluationCounts(
  q: Queryable,
  level: 'grid' | 'department',
  f: AnalyticsFilters,
  principal: Principal,
  timeZone: string,
): Promise<EvaluationRow[]> {
  const params: unknown[] = []
  const where = incidentFilterSql(f, principal, timeZone, params)
  const key = level === 'grid' ? 'i.grid_code' : 'i.department_code'
  const within = (s: keyof typeof STEP_SPAN) => {
    const [from, to] = STEP_SPAN[s]
    return `i.${to} - i.${from} <= make_interval(mins => (i.limits_minutes->>'${s}')::int)`
  }
  const done = (s: keyof typeof STEP_SPAN) => `i.${STEP_SPAN[s][0]} IS NOT NULL AND i.${STEP_SPAN[s][1]} IS NOT NULL`
  const r = await q.query<Record<string, unknown> & { code: string; name: string | null }>(
    `WITH cases AS (
       SELECT i.*, c.limits_minutes FROM incident i LEFT JOIN category c ON c.code = i.category_code
       WHERE ${where} AND ${key} IS NOT NULL
     ), orders AS (
       SELECT o.incident_id, count(*)::int AS n FROM supervision_order o JOIN cases ON cases.id = o.incident_id GROUP BY 1
     ), exceptions AS (
       SELECT e.incident_id, ${EXCEPTION_KINDS.map((k) => `count(*) FILTER (WHERE e.kind = '${k}')::int AS ${k}`).join(', ')}
       FROM case_exception e JOIN cases ON cases.id = e.incident_id GROUP BY 1
     )
     SELECT ${key} AS code, ${level === 'grid' ? 'a.name' : 'g.name'} AS name,
       count(*)::int AS reported,
       count(*) FILTER (WHERE i.filed_at IS NOT NULL)::int AS filed,
       count(*) FILTER (WHERE i.state = 'closed')::int AS closed,
       count(*) FILTER (WHERE i.state = 'closed' AND ${TIMED_STEPS.map((s) => `coalesce(NOT (${done(s)}) OR (${within(s)}), false)`).join(' AND ')})::int AS closed_on_time,
       ${TIMED_STEPS.map((s) => `count(*) FILTER (WHERE ${done(s)})::int AS ${s}_done, count(*) FILTER (WHERE ${done(s)} AND ${within(s)})::int AS ${s}_on_time`).join(',\n       ')},
       count(*) FILTER (WHERE i.filed_at IS NOT NULL AND i.reopen_count > 0)::int AS reopened,
       coalesce(sum(o.n), 0)::int AS supervision_orders,
       ${EXCEPTION_KINDS.map((k) => `coalesce(sum(e.${k}), 0)::int AS ex_${k}`).join(', ')},
       (avg(extract(epoch FROM i.dispatched_at - i.reported_at)) FILTER (WHERE i.dispatched_at IS NOT NULL) / 60)::float8 AS mean_response
     FROM cases i
     LEFT JOIN orders o ON o.incident_id = i.id
     LEFT JOIN exceptions e ON e.incident_id = i.id
     LEFT JOIN ${level === 'grid' ? 'admin_area a ON a.code = i.grid_code' : 'org g ON g.code = i.department_code'}
     GROUP BY 1, 2 ORDER BY 1`,
    params,
  )
  const n = (v: unknown) => Number(v)
  return r.rows.map((row) => ({
    code: row.code,
    name: row.name,
    reported: n(row.reported),
    filed: n(row.filed),
    closed: n(row.closed),
    closedOnTime: n(row.closed_on_time),
    steps: Object.fromEntries(TIMED_STEPS.map((s) => [s, { done: n(row[`${s}_done`]), onTime: n(row[`${s}_on_time`]) }])) as EvaluationCounts['steps'],
    reopened: n(row.reopened),
    supervisionOrders: n(row.supervision_orders),
    exceptions: Object.fromEntries(EXCEPTION_KINDS.map((k) => [k, n(row[`ex_${k}`])])) as EvaluationCounts['exceptions'],
    meanResponseMinutes: row.mean_response === null ? null : n(row.mean_response),
  }))
}
