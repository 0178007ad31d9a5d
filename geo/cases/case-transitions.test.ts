import { describe, expect, it } from 'vitest'
import type { StepLimits } from '../catalogue/category.ts'
import { CASE_STATES, type CaseState } from './case-states.ts'
import { CASE_ACTIONS, decideMove, type CaseAction } from './case-transitions.ts'

// Written out by hand from the workflow description, not derived from the table under test.
const ALL_ROLES = ['admin', 'supervisor', 'dispatcher', 'analyst', 'grid_worker', 'auditor', 'wall']
const OPS = ['dispatcher', 'supervisor', 'admin']
const LEAD = ['supervisor', 'admin']
const FIELD = ['grid_worker', 'dispatcher', 'supervisor', 'admin']
const VER = ['supervisor', 'grid_worker', 'admin']
const CLOCKED: CaseState[] = ['reported', 'pending_approval', 'filed', 'dispatched', 'handled', 'reported_back']
const OPEN: CaseState[] = [...CLOCKED, 'verified']

const ALLOWED: Record<string, { to: CaseState; roles: string[] }> = {
  'file:reported': { to: 'pending_approval', roles: OPS },
  'approve:pending_approval': { to: 'filed', roles: LEAD },
  'reject:reported': { to: 'rejected', roles: OPS },
  'reject:pending_approval': { to: 'rejected', roles: LEAD },
  'dispatch:filed': { to: 'dispatched', roles: OPS },
  'assign:filed': { to: 'dispatched', roles: OPS },
  'assign:dispatched': { to: 'dispatched', roles: OPS },
  'assign:handled': { to: 'handled', roles: OPS },
  'handle:dispatched': { to: 'handled', roles: FIELD },
  'report_back:handled': { to: 'reported_back', roles: FIELD },
  'verify_pass:reported_back': { to: 'verified', roles: VER },
  'verify_fail:reported_back': { to: 'dispatched', roles: VER },
  'close:verified': { to: 'closed', roles: OPS },
  'return:pending_approval': { to: 'reported', roles: LEAD },
  'return:filed': { to: 'reported', roles: LEAD },
  'return:dispatched': { to: 'filed', roles: LEAD },
  'return:handled': { to: 'filed', roles: LEAD },
  ...Object.fromEntries(OPEN.map((s) => [`void:${s}`, { to: 'voided', roles: LEAD }])),
  ...Object.fromEntries(CLOCKED.map((s) => [`extend:${s}`, { to: s, roles: LEAD }])),
  ...Object.fromEntries(CLOCKED.map((s) => [`defer:${s}`, { to: s, roles: LEAD }])),
}

const limits: StepLimits = { file: 15, dispatch: 30, handle: 240, verify: 60 }
const T0 = new Date('2026-11-23T08:00:00Z')
const at = new Date('2026-11-23T09:00:00Z')
const min = (n: number) => new Date(at.getTime() + n * 60_000)
const facts = (state: CaseState, deadlineAt: Date | null = T0) => ({ state, deadlineAt, reportedBackBy: 'worker-a' })
const input = { extendMinutes: 60, deferUntil: min(600) }

describe('the case state machine, every action in every state for every role', () => {
  const combos = CASE_ACTIONS.flatMap((action) => CASE_STATES.map((state) => [action, state] as const))

  it('covers the whole table', () => {
    expect(combos).toHaveLength(14 * 10)
    for (const key of Object.keys(ALLOWED)) expect(combos.map(([a, s]) => `${a}:${s}`)).toContain(key)
  })

  it.each(combos)('%s in state %s', (action: CaseAction, state: CaseState) => {
    const expected = ALLOWED[`${action}:${state}`]
    for (const role of ALL_ROLES) {
      const d = decideMove(action, facts(state), { username: 'someone-else', role }, at, limits, input)
      if (!expected) {
        expect(d, `${role}`).toEqual({ ok: false, refusal: { reason: 'wrong_state', message: expect.stringContaining(state) } })
      } else if (!expected.roles.includes(role)) {
        expect(d, `${role}`).toEqual({ ok: false, refusal: { reason: 'forbidden_role', message: expect.stringContaining(role) } })
      } else {
        expect(d.ok, `${role}`).toBe(true)
        if (d.ok) expect(d.move).toMatchObject({ action, from: state, to: expected.to })
      }
    }
  })
})

describe('separation of duties', () => {
  it('refuses verification by whoever reported back, either way', () => {
    for (const action of ['verify_pass', 'verify_fail'] as const) {
      const d = decideMove(action, facts('reported_back'), { username: 'worker-a', role: 'grid_worker' }, at, limits)
      expect(d).toEqual({ ok: false, refusal: { reason: 'same_person', message: expect.any(String) } })
      expect(decideMove(action, facts('reported_back'), { username: 'sup-b', role: 'supervisor' }, at, limits).ok).toBe(true)
    }
  })
})

describe('deadlines, stamps and side effects of each move', () => {
  const move = (action: CaseAction, state: CaseState, deadline: Date | null = T0, extra = {}) => {
    const d = decideMove(action, facts(state, deadline), { username: 'sup-b', role: 'admin' }, at, limits, extra)
    if (!d.ok) throw new Error(d.refusal.message)
    return d.move
  }

  it('keeps the file clock through filing, then starts each new step at the move', () => {
    expect(move('file', 'reported').deadlineAt).toEqual(T0)
    expect(move('approve', 'pending_approval')).toMatchObject({ deadlineAt: min(30), stamp: 'filedAt' })
    expect(move('dispatch', 'filed')).toMatchObject({ deadlineAt: min(240), stamp: 'dispatchedAt' })
    expect(move('handle', 'dispatched')).toMatchObject({ deadlineAt: T0, stamp: 'handledAt' })
    expect(move('report_back', 'handled')).toMatchObject({ deadlineAt: min(60), stamp: 'reportedBackAt' })
    expect(move('verify_pass', 'reported_back')).toMatchObject({ deadlineAt: null, stamp: 'verifiedAt', reopen: false })
    expect(move('close', 'verified')).toMatchObject({ deadlineAt: null, stamp: 'closedAt', releasesUnits: true })
  })

  it('starts the handle clock again on a failed verification and counts a reopen', () => {
    expect(move('verify_fail', 'reported_back')).toMatchObject({ to: 'dispatched', deadlineAt: min(240), stamp: null, reopen: true })
  })

  it('stamps dispatch only when an assignment dispatches the case', () => {
    expect(move('assign', 'filed')).toMatchObject({ stamp: 'dispatchedAt', deadlineAt: min(240) })
    expect(move('assign', 'dispatched')).toMatchObject({ stamp: null, deadlineAt: T0 })
  })

  it('starts a step whose running deadline is missing (history without one)', () => {
    expect(move('handle', 'dispatched', null).deadlineAt).toEqual(min(240))
  })

  it('extends the running deadline, or defers to a date and then runs the full step limit', () => {
    expect(move('extend', 'dispatched', T0, { extendMinutes: 90 }).deadlineAt).toEqual(new Date(T0.getTime() + 90 * 60_000))
    expect(move('defer', 'dispatched', T0, { deferUntil: min(600) }).deadlineAt).toEqual(min(600 + 240))
    expect(move('defer', 'filed', T0, { deferUntil: min(600) }).deadlineAt).toEqual(min(600 + 30))
  })

  it('refuses an extension without positive whole minutes and a deferral not in the future', () => {
    for (const extendMinutes of [undefined, 0, -5, 1.5]) {
      const d = decideMove('extend', facts('filed'), { username: 'x', role: 'admin' }, at, limits, { extendMinutes })
      expect(d).toMatchObject({ ok: false, refusal: { reason: 'invalid_input' } })
    }
    for (const deferUntil of [undefined, at, min(-1)]) {
      const d = decideMove('defer', facts('filed'), { username: 'x', role: 'admin' }, at, limits, { deferUntil })
      expect(d).toMatchObject({ ok: false, refusal: { reason: 'invalid_input' } })
    }
  })

  it('settles supervision when the step changes or an exception moves the deadline, not inside a step', () => {
    expect(move('handle', 'dispatched').settlesSupervision).toBe(false)
    expect(move('assign', 'dispatched').settlesSupervision).toBe(false)
    expect(move('file', 'reported').settlesSupervision).toBe(false)
    expect(move('report_back', 'handled').settlesSupervision).toBe(true)
    expect(move('approve', 'pending_approval').settlesSupervision).toBe(true)
    expect(move('extend', 'handled', T0, { extendMinutes: 5 }).settlesSupervision).toBe(true)
    expect(move('void', 'handled').settlesSupervision).toBe(true)
  })

  it('releases units when the case leaves them, and only then', () => {
    expect(move('return', 'dispatched')).toMatchObject({ to: 'filed', releasesUnits: true, deadlineAt: min(30) })
    expect(move('return', 'pending_approval')).toMatchObject({ to: 'reported', deadlineAt: T0 })
    expect(move('void', 'dispatched')).toMatchObject({ releasesUnits: true, deadlineAt: null, stamp: 'closedAt' })
    expect(move('reject', 'reported')).toMatchObject({ releasesUnits: true, stamp: 'closedAt' })
    expect(move('verify_fail', 'reported_back').releasesUnits).toBe(false)
    expect(move('handle', 'dispatched').releasesUnits).toBe(false)
  })
})
