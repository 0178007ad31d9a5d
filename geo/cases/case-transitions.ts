import type { StepLimits } from '../catalogue/category.ts'
import { addMinutes, deadlineAfter } from './case-deadline.ts'
import { CASE_STATES, OPEN_CASE_STATES, PENDING_STEP, type CaseState } from './case-states.ts'

/**
 * Who acts on cases, by the product's roles: the seat operator (坐席) is a dispatcher, the shift leader (值班班长)
 * and the area's supervisor (监督员) are supervisors, grid workers handle and verify in their grids, and the
 * responsible departments report through the dispatcher's seat or a grid worker. Analysts, auditors and the wall
 * only read.
 */
export const CASE_ACTOR_ROLES = ['admin', 'supervisor', 'dispatcher', 'grid_worker'] as const
export type CaseActorRole = (typeof CASE_ACTOR_ROLES)[number]

/** Every way a case can move; the last four are exceptions (异常), each needing a reason and an approver. */
export const CASE_ACTIONS = [
  'file', 'approve', 'reject', 'dispatch', 'assign', 'handle', 'report_back', 'verify_pass', 'verify_fail', 'close',
  'return', 'void', 'extend', 'defer',
] as const
export type CaseAction = (typeof CASE_ACTIONS)[number]

export const EXCEPTION_KINDS = ['return', 'void', 'extend', 'defer'] as const satisfies readonly CaseAction[]
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number]

export interface TransitionRule {
  action: CaseAction
  from: readonly CaseState[]
  /** null: the case stays in the state it is in. */
  to: CaseState | null
  roles: readonly CaseActorRole[]
}

const OPERATORS = ['dispatcher', 'supervisor', 'admin'] as const
const LEADERS = ['supervisor', 'admin'] as const
const FIELD = ['grid_worker', 'dispatcher', 'supervisor', 'admin'] as const
const VERIFIERS = ['supervisor', 'grid_worker', 'admin'] as const
const ON_A_CLOCK = CASE_STATES.filter((s) => PENDING_STEP[s] !== null)

/**
 * The whole state machine. An action with no rule for the case's state is refused as a conflict with the
 * state; a rule that does not list the actor's role is refused as forbidden.
 */
export const CASE_TRANSITIONS: readonly TransitionRule[] = [
  { action: 'file', from: ['reported'], to: 'pending_approval', roles: OPERATORS },
  { action: 'approve', from: ['pending_approval'], to: 'filed', roles: LEADERS },
  // The seat may turn away a report it has not filed; a filing already made is the leader's to turn down.
  { action: 'reject', from: ['reported'], to: 'rejected', roles: OPERATORS },
  { action: 'reject', from: ['pending_approval'], to: 'rejected', roles: LEADERS },
  { action: 'dispatch', from: ['filed'], to: 'dispatched', roles: OPERATORS },
  { action: 'assign', from: ['filed'], to: 'dispatched', roles: OPERATORS },
  { action: 'assign', from: ['dispatched', 'handled'], to: null, roles: OPERATORS },
  { action: 'handle', from: ['dispatched'], to: 'handled', roles: FIELD },
  { action: 'report_back', from: ['handled'], to: 'reported_back', roles: FIELD },
  { action: 'verify_pass', from: ['reported_back'], to: 'verified', roles: VERIFIERS },
  { action: 'verify_fail', from: ['reported_back'], to: 'dispatched', roles: VERIFIERS },
  { action: 'close', from: ['verified'], to: 'closed', roles: OPERATORS },
  // A filing goes back to the seat; a dispatched case goes back to be dispatched to someone else.
  { action: 'return', from: ['pending_approval', 'filed'], to: 'reported', roles: LEADERS },
  { action: 'return', from: ['dispatched', 'handled'], to: 'filed', roles: LEADERS },
  { action: 'void', from: OPEN_CASE_STATES, to: 'voided', roles: LEADERS },
  { action: 'extend', from: ON_A_CLOCK, to: null, roles: LEADERS },
  { action: 'defer', from: ON_A_CLOCK, to: null, roles: LEADERS },
]

/** The timestamp column an action sets on the case. */
export type CaseStamp = 'filedAt' | 'dispatchedAt' | 'handledAt' | 'reportedBackAt' | 'verifiedAt' | 'closedAt'

const STAMPS: Partial<Record<CaseAction, CaseStamp>> = {
  approve: 'filedAt', reject: 'closedAt', dispatch: 'dispatchedAt', handle: 'handledAt', report_back: 'reportedBackAt',
  verify_pass: 'verifiedAt', close: 'closedAt', void: 'closedAt',
}

export interface CaseFacts {
  state: CaseState
  deadlineAt: Date | null
  /** Who reported back last: they may not verify their own work. */
  reportedBackBy: string | null
}

export interface CaseActor {
  username: string
  role: string
}

export interface ActionInput {
  /** extend: minutes added to the running deadline. */
  extendMinutes?: number
  /** defer: the case waits until then, and the step's full limit runs from there. */
  deferUntil?: Date
}

export type Refusal =
  | { reason: 'wrong_state'; message: string }
  | { reason: 'forbidden_role'; message: string }
  | { reason: 'same_person'; message: string }
  | { reason: 'invalid_input'; message: string }

export interface Move {
  action: CaseAction
  from: CaseState
  to: CaseState
  deadlineAt: Date | null
  stamp: CaseStamp | null
  /** A failed verification: counted against the handler so closure rates cannot be gamed. */
  reopen: boolean
  /** The case leaves its department and units (return from dispatch, void, close, reject). */
  releasesUnits: boolean
  /** The overrun step is left, or its deadline was moved by an approved exception: an open order is settled. */
  settlesSupervision: boolean
}

export const ruleFor = (action: CaseAction, state: CaseState): TransitionRule | undefined =>
  CASE_TRANSITIONS.find((r) => r.action === action && r.from.includes(state))

/**
 * Decides one action on a case at `at`: where it goes and with which deadline, or why not. Pure, so every
 * allowed and forbidden combination can be enumerated in a test.
 */
export function decideMove(
  action: CaseAction, c: CaseFacts, actor: CaseActor, at: Date, limits: StepLimits, input: ActionInput = {},
): { ok: true; move: Move } | { ok: false; refusal: Refusal } {
  const rule = ruleFor(action, c.state)
  if (!rule) return { ok: false, refusal: { reason: 'wrong_state', message: `cannot ${action} a case that is ${c.state}` } }
  if (!(rule.roles as readonly string[]).includes(actor.role)) {
    return { ok: false, refusal: { reason: 'forbidden_role', message: `role ${actor.role} may not ${action} a case` } }
  }
  if ((action === 'verify_pass' || action === 'verify_fail') && c.reportedBackBy !== null && c.reportedBackBy === actor.username) {
    return { ok: false, refusal: { reason: 'same_person', message: 'verification needs a second person: you reported this case back' } }
  }
  const to = rule.to ?? c.state
  let deadlineAt = deadlineAfter(c.state, to, at, c.deadlineAt, limits)
  if (action === 'extend') {
    const minutes = input.extendMinutes
    if (!minutes || !Number.isInteger(minutes) || minutes <= 0) return invalid('extend needs a positive whole number of minutes')
    deadlineAt = addMinutes(c.deadlineAt ?? at, minutes)
  } else if (action === 'defer') {
    const until = input.deferUntil
    if (!until || until.getTime() <= at.getTime()) return invalid('defer needs a time in the future')
    const step = PENDING_STEP[c.state]!
    deadlineAt = addMinutes(until, limits[step])
  }
  const releasesUnits = to === 'filed' || to === 'reported' || to === 'voided' || to === 'closed' || to === 'rejected'
  const stamp = action === 'assign' && rule.to !== null ? 'dispatchedAt' : (STAMPS[action] ?? null)
  const settlesSupervision = PENDING_STEP[c.state] !== PENDING_STEP[to] || action === 'extend' || action === 'defer'
  return {
    ok: true,
    move: { action, from: c.state, to, deadlineAt, stamp, reopen: action === 'verify_fail', releasesUnits, settlesSupervision },
  }
}

const invalid = (message: string) => ({ ok: false as const, refusal: { reason: 'invalid_input' as const, message } })
