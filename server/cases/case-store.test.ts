import { beforeAll, expect, it } from 'vitest'
import { describeBackends } from '../testing/backends.ts'
import { HttpError } from '../http/http-error.ts'
import { CASE_STATES } from '../../geo/cases/case-states.ts'
import { CaseStore } from './case-store.ts'
import { SupervisionScheduler } from './supervision-scheduler.ts'
import { insertCase, insertCaseFixture, principal } from './case-fixture.ts'

const T0 = Date.parse('2026-11-23T08:00:00Z')
const clock = (minutes: number) => new Date(T0 + minutes * 60_000)

describeBackends('case store', ({ db }) => {
  let now = clock(0)
  const published: Array<{ layer: string; event: { kind: string; action?: string; case?: { id: number } } }> = []
  let store: CaseStore
  const d1 = principal('dispatcher', 'disp-1')
  const d2 = principal('dispatcher', 'disp-2')
  const leader = principal('supervisor', 'leader')

  beforeAll(async () => {
    await insertCaseFixture(db())
    store = new CaseStore({ db: db(), now: () => now, publish: (layer, _g, event) => published.push({ layer, event: event as never }) })
  })

  const settle = <T>(p: Promise<T>) => p.then((v) => ({ ok: true as const, v }), (e: unknown) => ({ ok: false as const, e }))
  /** Supervision tests count what one tick did, so earlier tests' cases must not be on a clock. */
  const closeAllOpen = () => db().query(`UPDATE incident SET state = 'closed', closed_at = $1 WHERE closed_at IS NULL`, [clock(0)])
  const stateOf = async (id: number) => (await db().query<{ state: string }>('SELECT state FROM incident WHERE id = $1', [id])).rows[0].state

  it('keeps the stored states and the database check in step', async () => {
    const r = await db().query<{ def: string }>(`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'incident_state_check'`)
    const listed = [...r.rows[0].def.matchAll(/'(\w+)'/g)].map((m) => m[1])
    expect(listed.sort()).toEqual([...CASE_STATES].sort())
  })

  it('two dispatchers assigning the same unit at once: exactly one wins, the other gets 409 and nothing of its is kept', async () => {
    for (let round = 0; round < 6; round++) {
      const a = await insertCase(db(), { state: 'filed', deadlineAt: clock(30) })
      const b = await insertCase(db(), { state: 'filed', deadlineAt: clock(30) })
      const [ra, rb] = await Promise.all([
        settle(store.act(a, 'assign', d1, { unitId: 'unit-0101' })),
        settle(store.act(b, 'assign', d2, { unitId: 'unit-0101' })),
      ])
      expect([ra.ok, rb.ok].filter(Boolean)).toHaveLength(1)
      const lost = (ra.ok ? rb : ra) as { ok: false; e: HttpError }
      expect(lost.e).toBeInstanceOf(HttpError)
      expect(lost.e).toMatchObject({ status: 409, code: 'unit_unavailable' })
      expect(lost.e.message).toContain('M-01 (unit-0101) is dispatched')
      const [winner, loser] = ra.ok ? [a, b] : [b, a]
      expect(await stateOf(winner)).toBe('dispatched')
      expect(await stateOf(loser)).toBe('filed')
      const active = await db().query<{ incident_id: string }>(
        'SELECT incident_id FROM case_assignment WHERE unit_id = $1 AND cleared_at IS NULL AND released_at IS NULL', ['unit-0101'],
      )
      expect(active.rows.map((r) => Number(r.incident_id))).toEqual([winner])
      const loserRow = await db().query('SELECT dispatched_at, assigned_unit_id FROM incident WHERE id = $1', [loser])
      expect(loserRow.rows[0]).toEqual({ dispatched_at: null, assigned_unit_id: null })
      // Free the unit for the next round.
      await db().query(`UPDATE case_assignment SET released_at = $1 WHERE unit_id = 'unit-0101' AND released_at IS NULL`, [now])
      await db().query(`UPDATE unit SET status = 'available' WHERE id = 'unit-0101'`)
    }
  })

  it('two people moving the same case at once: one wins, the other gets 409', async () => {
    for (let round = 0; round < 4; round++) {
      const id = await insertCase(db(), { state: 'pending_approval', deadlineAt: clock(15) })
      const results = await Promise.all([
        settle(store.act(id, 'approve', leader)),
        settle(store.act(id, 'reject', principal('supervisor', 'leader-2'), { reason: 'duplicate of another' })),
      ])
      expect(results.filter((r) => r.ok)).toHaveLength(1)
      const lost = results.find((r) => !r.ok) as { e: HttpError }
      expect(lost.e.status).toBe(409)
      const events = await db().query('SELECT step FROM case_event WHERE incident_id = $1', [id])
      expect(events.rows).toHaveLength(1)
    }
  })

  it('issues, escalates and stops supervision orders on a fake clock, once each', async () => {
    await closeAllOpen()
    now = clock(0)
    const id = await insertCase(db(), { state: 'dispatched', deadlineAt: clock(240) })
    const scheduler = new SupervisionScheduler(store)
    const before = published.length
    expect(await scheduler.tick(clock(239))).toEqual({ issued: 0, escalated: 0 })
    expect(await scheduler.tick(clock(240))).toMatchObject({ issued: 1 })
    expect(await scheduler.tick(clock(241))).toMatchObject({ issued: 0, escalated: 0 })
    // The order's time to comply is half the 240-minute handle limit.
    expect(await scheduler.tick(clock(359))).toMatchObject({ escalated: 0 })
    expect(await scheduler.tick(clock(360))).toMatchObject({ escalated: 1 })
    expect(await scheduler.tick(clock(480))).toMatchObject({ escalated: 1 })
    expect(await scheduler.tick(clock(10_000))).toEqual({ issued: 0, escalated: 0 })
    const orders = await db().query<{ level: number; due_at: Date; escalated_at: Date | null }>(
      'SELECT level, due_at, escalated_at FROM supervision_order WHERE incident_id = $1 ORDER BY level', [id],
    )
    expect(orders.rows.map((o) => [o.level, o.due_at.toISOString(), o.escalated_at?.toISOString() ?? null])).toEqual([
      [1, clock(360).toISOString(), clock(360).toISOString()],
      [2, clock(480).toISOString(), clock(480).toISOString()],
      [3, clock(600).toISOString(), null],
    ])
    const events = await db().query<{ step: string; actor: string }>('SELECT step, actor FROM case_event WHERE incident_id = $1 ORDER BY id', [id])
    expect(events.rows.map((e) => e.step)).toEqual(['supervise', 'escalate', 'escalate'])
    expect(published.slice(before).map((p) => [p.layer, p.event.action, p.event.case?.id])).toEqual([
      ['cases', 'supervise', id], ['cases', 'escalate', id], ['cases', 'escalate', id],
    ])
  })

  it('settles an order when the case leaves the step, not when it moves inside it; a new step gets its own clock', async () => {
    await closeAllOpen()
    now = clock(0)
    const id = await insertCase(db(), { state: 'dispatched', deadlineAt: clock(240) })
    const scheduler = new SupervisionScheduler(store)
    await scheduler.tick(clock(250))
    now = clock(260)
    await store.act(id, 'handle', principal('grid_worker', 'worker'))
    const open = () => db().query('SELECT level FROM supervision_order WHERE incident_id = $1 AND settled_at IS NULL AND escalated_at IS NULL', [id])
    expect((await open()).rows).toHaveLength(1)
    now = clock(270)
    await store.act(id, 'report_back', principal('grid_worker', 'worker'), { note: 'replaced', photoUrls: [] })
    expect((await open()).rows).toHaveLength(0)
    // The verify step (60 min) runs from the report-back.
    expect(await scheduler.tick(clock(329))).toMatchObject({ issued: 0 })
    expect(await scheduler.tick(clock(330))).toMatchObject({ issued: 1 })
  })

  it('an approved extension settles the order and moves the deadline; nothing is issued until it passes', async () => {
    await closeAllOpen()
    now = clock(0)
    const id = await insertCase(db(), { state: 'filed', deadlineAt: clock(30) })
    const scheduler = new SupervisionScheduler(store)
    await scheduler.tick(clock(31))
    now = clock(40)
    const c = await store.act(id, 'extend', leader, { reason: 'road closed for a parade', extendMinutes: 120, requestedBy: 'MUNICIPAL' })
    expect(c.deadlineAt).toBe(clock(150).toISOString())
    expect(c.supervisionLevel).toBeNull()
    expect(await scheduler.tick(clock(149))).toMatchObject({ issued: 0 })
    expect(await scheduler.tick(clock(150))).toMatchObject({ issued: 1 })
    const ledger = await db().query('SELECT kind, reason, requested_by, approved_by, extend_minutes FROM case_exception WHERE incident_id = $1', [id])
    expect(ledger.rows).toEqual([{ kind: 'extend', reason: 'road closed for a parade', requested_by: 'MUNICIPAL', approved_by: 'leader', extend_minutes: 120 }])
  })

  it('two schedulers ticking at once issue one order', async () => {
    await closeAllOpen()
    const id = await insertCase(db(), { state: 'reported', deadlineAt: clock(15) })
    const a = new SupervisionScheduler(store)
    const b = new SupervisionScheduler(store)
    await Promise.all([a.tick(clock(20)), b.tick(clock(20))])
    const orders = await db().query('SELECT id FROM supervision_order WHERE incident_id = $1', [id])
    expect(orders.rows).toHaveLength(1)
  })
})
