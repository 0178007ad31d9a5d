import { describe, expect, it } from 'vitest'
import { OPEN_CASE_STATES } from '../../geo/cases/case-states.ts'
import { IncidentStore } from './incident-store.ts'

const T0 = Date.parse('2026-11-23T08:00:00Z')
const feature = (id: number, state: string, extra: Record<string, unknown> = {}) => ({
  type: 'Feature',
  geometry: { type: 'Point', coordinates: [121.47, 31.23] },
  properties: { id, categoryCode: 'EV-0101', priority: 2, state, reportedAt: new Date(T0).toISOString(), deadlineAt: null, gridCode: 'G1', assignedUnitId: null, ...extra },
})
/** A case summary as the `cases` layer carries it (the fields the wall reads). */
const summary = (id: number, state: string, extra: Record<string, unknown> = {}) => ({
  id, state, priority: 1, categoryCode: 'EV-0101', description: '井盖缺失', address: null, lon: 121.48, lat: 31.24, gridCode: 'G2',
  assignedUnitId: null, reportedAt: new Date(T0).toISOString(), filedAt: null, dispatchedAt: null, deadlineAt: null, ...extra,
})

describe('IncidentStore', () => {
  it('counts pending_approval as open, like every state the case model calls open', () => {
    const s = new IncidentStore()
    for (const [k, state] of OPEN_CASE_STATES.entries()) s.upsert(IncidentStore.parse(feature(k + 1, state))!, false, 0)
    s.upsert(IncidentStore.parse(feature(99, 'closed'))!, false, 0)
    expect(OPEN_CASE_STATES).toContain('pending_approval')
    expect(s.counts(T0).open).toBe(OPEN_CASE_STATES.length)
  })

  it("applies a live `{kind: 'case'}` event: state, unit and deadline change, and a closed case leaves the map", () => {
    const s = new IncidentStore()
    s.upsert(IncidentStore.parse(feature(7, 'filed'))!, false, 0)
    const deadline = new Date(T0 + 600_000).toISOString()
    const inc = s.applyStep({ kind: 'case', action: 'dispatch', case: summary(7, 'dispatched', { assignedUnitId: 'u9', deadlineAt: deadline, dispatchedAt: new Date(T0 + 60_000).toISOString() }), actor: 'd1', at: '' })
    expect(inc).toMatchObject({ id: 7, state: 'dispatched', assignedUnitId: 'u9', deadlineAtMs: T0 + 600_000, dispatchedAtMs: T0 + 60_000, lon: 121.48, gridCode: 'G2' })
    expect(s.isOverdue(s.byId.get(7)!, T0 + 700_000)).toBe(true)
    expect(s.perGrid(T0 + 700_000).overdue.get('G2')).toBe(1)
    s.applyStep({ kind: 'case', action: 'close', case: summary(7, 'closed'), actor: 'd1', at: '' })
    expect(s.drawable().map((i) => i.id)).toEqual([])
    expect(s.counts(T0).open).toBe(0)
  })

  it('adds a case it had not seen from its event, and ignores unit status events', () => {
    const s = new IncidentStore()
    expect(s.applyStep({ kind: 'case', action: 'file', case: summary(3, 'pending_approval'), actor: null, at: '' })?.state).toBe('pending_approval')
    expect(s.drawable().map((i) => i.id)).toEqual([3])
    expect(s.applyStep({ kind: 'unit_status', unitId: 'u1', status: 'en_route', incidentId: 3, at: '' })).toBeNull()
    expect(s.byId.get(3)?.state).toBe('pending_approval')
  })
})
