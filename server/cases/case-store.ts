import type { Db, Queryable } from '../db/db.ts'
import type { Principal } from '../auth/principal.ts'
import { areaScope } from '../auth/area-scope.ts'
import { HttpError } from '../http/http-error.ts'
import type { StepLimits } from '../../geo/catalogue/category.ts'
import type { CaseState } from '../../geo/cases/case-states.ts'
import type { CaseLiveEvent, CaseSummary } from '../../geo/cases/case-record.ts'
import {
  decideMove, EXCEPTION_KINDS, type CaseAction, type CaseStamp, type ExceptionKind, type Move, type Refusal,
} from '../../geo/cases/case-transitions.ts'
import type { RoadRouter } from '../../geo/routing/road-router.ts'
import { assignmentLeg } from '../dispatch/assignment-leg.ts'
import { summaryById } from './case-rows.ts'
import { flipUnitToDispatched, releaseAssignments } from './unit-assignment.ts'

/** Where case changes go after commit: the live hub's `cases` (and `alerts`) layers. */
export type CasePublisher = (layer: 'cases' | 'alerts', gridCode: string | null, event: unknown) => void

export interface CaseStoreDeps {
  db: Db
  now?: () => Date
  publish?: CasePublisher
  /** The road router, for the travel time an assignment promises (none: assignments carry no ETA). */
  roads?: () => RoadRouter | null
}

/** What an action carries besides its name; each route fills in the fields its step has. */
export interface ActionDetails {
  note?: string
  /** reject and every exception: why. */
  reason?: string
  /** file: the operator's confirmed category and priority. */
  categoryCode?: string
  priority?: number
  /** dispatch: the responsible department and/or a unit. */
  departmentCode?: string
  unitId?: string
  /** report_back: evidence. */
  photoUrls?: string[]
  /** exceptions. */
  requestedBy?: string
  extendMinutes?: number
  deferUntil?: Date
  /** Anything else worth keeping on the event (e.g. reject kind, duplicate of). */
  attributes?: Record<string, unknown>
}

const STAMP_COLUMN: Record<CaseStamp, string> = {
  filedAt: 'filed_at', dispatchedAt: 'dispatched_at', handledAt: 'handled_at', reportedBackAt: 'reported_back_at',
  verifiedAt: 'verified_at', closedAt: 'closed_at',
}

interface CaseFactsRow {
  id: number
  state: CaseState
  grid_code: string | null
  deadline_at: Date | null
  reported_back_by: string | null
  category_code: string | null
  limits: StepLimits | null
}

export const actorOf = (p: Principal) => ({ username: p.username, role: p.role })

/** The HTTP answer to a refused move. */
export function refusalError(r: Refusal): HttpError {
  switch (r.reason) {
    case 'wrong_state':
      return new HttpError(409, 'wrong_state', r.message)
    case 'forbidden_role':
      return new HttpError(403, 'forbidden', r.message)
    case 'same_person':
      return new HttpError(403, 'same_person', r.message)
    case 'invalid_input':
      return new HttpError(400, 'invalid_request', r.message)
  }
}

/** The case as the principal may see it, or 404 (outside the jurisdiction is the same as absent). */
export async function caseFacts(q: Queryable, id: number, principal: Principal): Promise<CaseFactsRow> {
  const params: unknown[] = [id]
  const r = await q.query<CaseFactsRow>(
    `SELECT i.id, i.state, i.grid_code, i.deadline_at, i.reported_back_by, i.category_code, c.limits_minutes AS limits
     FROM incident i LEFT JOIN category c ON c.code = i.category_code
     WHERE i.id = $1 AND ${areaScope(principal, 'i.grid_code', params)}`,
    params,
  )
  const row = r.rows[0]
  if (!row) throw new HttpError(404, 'not_found', `no case ${id}`)
  return row
}

/**
 * The closed loop's writes. Each action is one transaction that updates the incident only if it is still in the
 * state the decision was made on (so of two concurrent actions one wins and the other gets 409), writes the case
 * event, and does the action's side effects (units, supervision orders, exception ledger); the change is
 * published after commit.
 */
export class CaseStore {
  readonly db: Db
  readonly now: () => Date
  private readonly publishTo: CasePublisher
  private readonly roads: () => RoadRouter | null

  constructor(deps: CaseStoreDeps) {
    this.db = deps.db
    this.now = deps.now ?? (() => new Date())
    this.publishTo = deps.publish ?? (() => {})
    this.roads = deps.roads ?? (() => null)
  }

  async act(id: number, action: CaseAction, principal: Principal, d: ActionDetails = {}): Promise<CaseSummary> {
    const at = this.now()
    await this.db.transaction(async (tx) => {
      const c = await caseFacts(tx, id, principal)
      let limits = c.limits
      if (action === 'file' && d.categoryCode && d.categoryCode !== c.category_code) {
        const cat = await tx.query<{ limits: StepLimits }>('SELECT limits_minutes AS limits FROM category WHERE code = $1 AND active', [d.categoryCode])
        if (!cat.rows[0]) throw new HttpError(400, 'unknown_category', `unknown or inactive category ${d.categoryCode}`)
        limits = cat.rows[0].limits
      }
      if (!limits) throw new HttpError(409, 'no_category', 'the case has no category: file it under one first')
      const decided = decideMove(
        action,
        { state: c.state, deadlineAt: c.deadline_at, reportedBackBy: c.reported_back_by },
        actorOf(principal), at, limits, { extendMinutes: d.extendMinutes, deferUntil: d.deferUntil },
      )
      if (!decided.ok) throw refusalError(decided.refusal)
      const move = decided.move
      if (d.departmentCode) await requireDepartment(tx, d.departmentCode)
      await this.writeMove(tx, c, move, principal, d, at)
    })
    return this.announce(id, action, principal.username, at)
  }

  /** The guarded update, the side effects and the event of one decided move, inside the caller's transaction. */
  async writeMove(tx: Queryable, c: CaseFactsRow, move: Move, principal: Principal, d: ActionDetails, at: Date): Promise<void> {
    const sets = ['state = $3', 'deadline_at = $4']
    const params: unknown[] = [c.id, move.from, move.to, move.deadlineAt]
    const set = (column: string, value: unknown) => {
      params.push(value)
      sets.push(`${column} = $${params.length}`)
    }
    if (move.stamp) set(STAMP_COLUMN[move.stamp], at)
    if (move.reopen) sets.push('reopen_count = reopen_count + 1')
    if (move.action === 'report_back') set('reported_back_by', principal.username)
    if (move.action === 'file' && d.categoryCode) {
      // A new category brings its department and, unless the operator set one, its priority.
      set('category_code', d.categoryCode)
      const code = `$${params.length}`
      sets.push(`department_code = (SELECT department_code FROM category WHERE code = ${code})`)
      if (d.priority === undefined) sets.push(`priority = (SELECT priority FROM category WHERE code = ${code})`)
    } else if (move.action === 'file') {
      // Confirmed as reported: the category's department, unless one was already set.
      sets.push('department_code = COALESCE(department_code, (SELECT department_code FROM category c WHERE c.code = incident.category_code))')
    }
    if (move.action === 'file' && d.priority !== undefined) set('priority', d.priority)
    if (d.departmentCode && (move.action === 'dispatch' || move.action === 'assign')) set('department_code', d.departmentCode)
    if (move.action === 'defer') set('deferred_until', d.deferUntil)
    // Returned from dispatch: the department turned it down, so it is dispatched afresh.
    if (move.action === 'return' && move.to === 'filed') {
      sets.push('dispatched_at = NULL, handled_at = NULL, department_code = NULL, assigned_unit_id = NULL, expected_arrival_at = NULL')
    }
    if (d.unitId) set('assigned_unit_id', d.unitId)
    // The unit first: an unknown or taken unit is refused before the case is touched.
    if (d.unitId) await flipUnitToDispatched(tx, d.unitId)
    const leg = d.unitId ? await assignmentLeg(tx, this.roads(), c.id, d.unitId) : null
    if (d.unitId) set('expected_arrival_at', leg ? new Date(at.getTime() + leg.seconds * 1000) : null)
    const updated = await tx.query(`UPDATE incident SET ${sets.join(', ')} WHERE id = $1 AND state = $2`, params)
    if (updated.affectedRows !== 1) {
      throw new HttpError(409, 'conflict', `case ${c.id} changed meanwhile (it is no longer ${move.from}): reload it and try again`)
    }

    if (d.unitId) {
      await tx.query(
        'INSERT INTO case_assignment (incident_id, unit_id, assigned_at, assigned_by, eta_seconds, route_meters) VALUES ($1, $2, $3, $4, $5, $6)',
        [c.id, d.unitId, at, principal.username, leg?.seconds ?? null, leg?.meters ?? null],
      )
    }
    if (move.releasesUnits) await releaseAssignments(tx, c.id, at)
    if (move.settlesSupervision) {
      await tx.query('UPDATE supervision_order SET settled_at = $2 WHERE incident_id = $1 AND settled_at IS NULL AND escalated_at IS NULL', [c.id, at])
    }
    if ((EXCEPTION_KINDS as readonly string[]).includes(move.action)) {
      await tx.query(
        `INSERT INTO case_exception (incident_id, kind, reason, requested_by, approved_by, at, from_state, to_state,
                                     deadline_before, deadline_after, extend_minutes, deferred_until)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          c.id, move.action as ExceptionKind, d.reason, d.requestedBy ?? null, principal.username, at, move.from, move.to,
          c.deadline_at, move.deadlineAt, move.action === 'extend' ? d.extendMinutes : null, move.action === 'defer' ? d.deferUntil : null,
        ],
      )
    }
    const attributes: Record<string, unknown> = { ...d.attributes }
    if (d.reason) attributes.reason = d.reason
    if (d.photoUrls?.length) attributes.photoUrls = d.photoUrls
    if (d.departmentCode) attributes.departmentCode = d.departmentCode
    if (d.unitId) attributes.unitId = d.unitId
    if (leg) attributes.etaSeconds = Math.round(leg.seconds)
    if (d.categoryCode) attributes.categoryCode = d.categoryCode
    if (d.requestedBy) attributes.requestedBy = d.requestedBy
    if (move.deadlineAt) attributes.deadlineAt = move.deadlineAt.toISOString()
    await tx.query(
      `INSERT INTO case_event (incident_id, at, step, from_state, to_state, actor, note, attributes)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
      [c.id, at, move.action, move.from, move.to, principal.username, d.note ?? null, JSON.stringify(attributes)],
    )
  }

  /** Publishes a committed change to the `cases` layer and returns the case as it now stands. */
  async announce(id: number, action: string, actor: string | null, at: Date): Promise<CaseSummary> {
    const summary = await summaryById(this.db, id, this.now())
    if (!summary) throw new Error(`case ${id} vanished after commit`)
    this.publish('cases', summary.gridCode, { kind: 'case', action, case: summary, actor, at: at.toISOString() } satisfies CaseLiveEvent)
    return summary
  }

  publish(layer: 'cases' | 'alerts', gridCode: string | null, event: unknown): void {
    try {
      this.publishTo(layer, gridCode, event)
    } catch {
      // Committed is committed: a failed announcement must not turn into a failed action.
    }
  }
}

async function requireDepartment(q: Queryable, code: string): Promise<void> {
  const r = await q.query('SELECT 1 FROM org WHERE code = $1', [code])
  if (!r.rows.length) throw new HttpError(400, 'unknown_department', `no department ${code}`, [{ path: 'body.departmentCode', message: 'not a known department' }])
}
