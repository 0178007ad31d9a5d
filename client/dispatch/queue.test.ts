import { describe, expect, it } from 'vitest'
import type { CaseSummary } from '../../geo/cases/case-record.ts'
import { OPEN_CASE_STATES } from '../../geo/cases/case-states.ts'
import { applyChange, compareCases, inQueue, matchesText, queueQuery, type QueueFilter } from './queue.ts'

const ANY: QueueFilter = { states: [], category: '', area: '', text: '' }

function summary(id: number, over: Partial<CaseSummary> = {}): CaseSummary {
  return {
    id, state: 'filed', pendingStep: 'dispatch', source: 'citizen', categoryCode: 'EV-0101', categoryName: '井盖缺失', categoryNameEn: 'Missing manhole cover',
    priority: 2, description: 'cover gone', address: 'Calle 1', lon: -56.2, lat: -34.9, gridCode: '999001001001001', departmentCode: null,
    assignedUnitId: null, expectedArrivalAt: null, cameraAlertId: null, reportedAt: '2026-06-01T08:00:00.000Z', filedAt: null, dispatchedAt: null, handledAt: null,
    reportedBackAt: null, verifiedAt: null, closedAt: null, deadlineAt: '2026-06-01T09:00:00.000Z', deferredUntil: null, overdue: false,
    reopenCount: 0, supervisionLevel: null, supervisionDueAt: null, ...over,
  }
}

describe('case queue', () => {
  it('orders by priority, then the nearest deadline (none last), then id', () => {
    const list = [
      summary(1, { priority: 3 }),
      summary(2, { deadlineAt: null }),
      summary(3, { deadlineAt: '2026-06-01T08:30:00.000Z' }),
      summary(4),
      summary(5, { priority: 1, deadlineAt: '2026-06-02T00:00:00.000Z' }),
    ]
    expect([...list].sort(compareCases).map((c) => c.id)).toEqual([5, 3, 4, 2, 1])
  })

  it('asks the server for states, category and street', () => {
    expect(queueQuery({ states: ['filed', 'dispatched'], category: 'EV-0101', area: '999001001', text: 'x' }).toString())
      .toBe('limit=500&state=filed%2Cdispatched&category=EV-0101&street=999001001')
    expect(queueQuery(ANY).toString()).toBe('limit=500')
  })

  it('keeps a live change only if the filter would have listed it', () => {
    expect(inQueue(summary(1), ANY, OPEN_CASE_STATES)).toBe(true)
    expect(inQueue(summary(1, { state: 'closed' }), ANY, OPEN_CASE_STATES)).toBe(false)
    expect(inQueue(summary(1, { state: 'closed' }), { ...ANY, states: ['closed'] }, OPEN_CASE_STATES)).toBe(true)
    expect(inQueue(summary(1), { ...ANY, category: 'PT-0101' }, OPEN_CASE_STATES)).toBe(false)
    expect(inQueue(summary(1), { ...ANY, area: '999001002' }, OPEN_CASE_STATES)).toBe(false)
    expect(inQueue(summary(1), { ...ANY, area: '999001001' }, OPEN_CASE_STATES)).toBe(true)
  })

  it('replaces, inserts in order and drops cases as they change', () => {
    const q = [summary(1, { priority: 1 }), summary(2), summary(3, { priority: 4 })]
    expect(applyChange(q, summary(4, { priority: 3 }), ANY, OPEN_CASE_STATES).map((c) => c.id)).toEqual([1, 2, 4, 3])
    expect(applyChange(q, summary(2, { state: 'closed' }), ANY, OPEN_CASE_STATES).map((c) => c.id)).toEqual([1, 3])
    const moved = applyChange(q, summary(3, { priority: 1, deadlineAt: '2026-06-01T08:10:00.000Z' }), ANY, OPEN_CASE_STATES)
    expect(moved.map((c) => c.id)).toEqual([3, 1, 2])
    expect(q.map((c) => c.id)).toEqual([1, 2, 3])
  })

  it('matches free text on id, description, address and category names', () => {
    expect(matchesText(summary(42), '#42')).toBe(true)
    expect(matchesText(summary(42), 'manhole')).toBe(true)
    expect(matchesText(summary(42), '井盖')).toBe(true)
    expect(matchesText(summary(42), 'calle')).toBe(true)
    expect(matchesText(summary(42), 'lamp')).toBe(false)
    expect(matchesText(summary(42), '  ')).toBe(true)
  })
})
