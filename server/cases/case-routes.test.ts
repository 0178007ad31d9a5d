import express from 'express'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROLES, withPrincipal, type Role } from '../auth/principal.ts'
import { errorHandler } from '../http/http-error.ts'
import { openApiDocument } from '../http/api-docs.ts'
import { describeBackends } from '../testing/backends.ts'
import { listen } from '../testing/listen.ts'
import { FIXTURE_GRIDS } from '../testing/tracking-fixture.ts'
import { CASE_ACTOR_ROLES } from '../../geo/cases/case-transitions.ts'
import { caseDetailSchema, caseSummarySchema, type CaseSummary } from '../../geo/cases/case-record.ts'
import { CaseStore } from './case-store.ts'
import { caseRouter, rolesFor } from './case-routes.ts'
import { CASE_CATEGORIES, insertCase, insertCaseFixture, principal } from './case-fixture.ts'

const T0 = Date.parse('2026-11-23T08:00:00Z')
const clock = (minutes: number) => new Date(T0 + minutes * 60_000)

interface As {
  role: Role
  user?: string
  areas?: string[]
}

describe('case route roles', () => {
  it('are roles the server knows, and only the case actors may change a case', () => {
    for (const role of CASE_ACTOR_ROLES) expect(ROLES).toContain(role)
    const writers = rolesFor('file', 'approve', 'reject', 'dispatch', 'assign', 'handle', 'report_back', 'verify_pass', 'verify_fail', 'close', 'return', 'void', 'extend', 'defer')
    expect(writers.sort()).toEqual([...CASE_ACTOR_ROLES].sort())
    for (const role of ROLES.filter((r) => !(CASE_ACTOR_ROLES as readonly string[]).includes(r))) expect(writers).not.toContain(role)
    const doc = openApiDocument() as { paths: Record<string, Record<string, { summary: string }>> }
    for (const step of ['file', 'approve', 'reject', 'dispatch', 'assign', 'handle', 'report-back', 'verify', 'close', 'exceptions']) {
      expect(doc.paths[`/api/v1/cases/{id}/${step}`]?.post, step).toBeDefined()
    }
    expect(rolesFor('approve')).toEqual(['supervisor', 'admin'])
    expect(rolesFor('verify_pass', 'verify_fail').sort()).toEqual(['admin', 'grid_worker', 'supervisor'])
  })
})

describeBackends('case routes', ({ db }) => {
  let base: string
  let close: () => Promise<void>
  let now = clock(0)
  const published: Array<{ layer: string; grid: string | null; event: { kind: string; action?: string } }> = []

  beforeAll(async () => {
    await insertCaseFixture(db())
    const store = new CaseStore({ db: db(), now: () => now, publish: (layer, grid, event) => published.push({ layer, grid, event: event as never }) })
    const app = express()
    // Tests say who they are per request; the real app authenticates.
    app.use((req, res, next) => {
      const areas = req.get('x-areas')
      return withPrincipal(principal(req.get('x-role') as Role, req.get('x-user') ?? req.get('x-role'), areas ? areas.split(',') : 'all'))(req, res, next)
    })
    app.use(caseRouter({ store }))
    app.use(errorHandler(pino({ level: 'silent' })))
    ;({ close, url: base } = await listen(app))
  })
  afterAll(() => close())

  async function call(method: string, path: string, as: As, body?: unknown) {
    const headers: Record<string, string> = { 'x-role': as.role, 'x-user': as.user ?? as.role }
    if (as.areas) headers['x-areas'] = as.areas.join(',')
    if (body !== undefined) headers['content-type'] = 'application/json'
    const res = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    return { status: res.status, body: await res.json() }
  }
  const post = (path: string, as: As, body: unknown = {}) => call('POST', path, as, body)
  const get = (path: string, as: As) => call('GET', path, as)
  const put = (as: As, body: unknown, code: string = CASE_CATEGORIES.lamp) => call('PUT', `/api/v1/categories/${code}`, as, body)
  const dispatcher: As = { role: 'dispatcher', user: 'seat-1' }
  const leader: As = { role: 'supervisor', user: 'leader' }
  const worker: As = { role: 'grid_worker', user: 'worker-a' }
  const inspector: As = { role: 'supervisor', user: 'inspector-b' }

  it('walks a case around the whole loop, with a failed verification, and shows it all in the detail', async () => {
    now = clock(0)
    const id = await insertCase(db(), { reportedAt: clock(0), deadlineAt: clock(15) })
    const step = async (path: string, as: As, body: unknown, state: string) => {
      const r = await post(`/api/v1/cases/${id}/${path}`, as, body)
      expect(r.status, JSON.stringify(r.body)).toBe(200)
      expect(caseSummarySchema.parse(r.body).state).toBe(state)
      return r.body as CaseSummary
    }
    now = clock(5)
    expect(await step('file', dispatcher, { categoryCode: CASE_CATEGORIES.lamp, note: 'a lamp, not a manhole' }, 'pending_approval'))
      .toMatchObject({ categoryCode: CASE_CATEGORIES.lamp, priority: 3, departmentCode: 'POWER', deadlineAt: clock(15).toISOString() })
    now = clock(10)
    expect(await step('approve', leader, {}, 'filed')).toMatchObject({ filedAt: clock(10).toISOString(), deadlineAt: clock(40).toISOString() })
    now = clock(12)
    expect(await step('assign', dispatcher, { unitId: 'unit-0101' }, 'dispatched'))
      .toMatchObject({ assignedUnitId: 'unit-0101', dispatchedAt: clock(12).toISOString(), deadlineAt: clock(252).toISOString() })
    for (const [minute, status] of [[13, 'en_route'], [20, 'on_scene']] as const) {
      now = clock(minute)
      const u = await post('/api/v1/units/unit-0101/status', worker, { status })
      expect(u).toEqual({ status: 200, body: { unitId: 'unit-0101', from: minute === 13 ? 'dispatched' : 'en_route', to: status, incidentId: id } })
    }
    now = clock(60)
    await step('handle', worker, { note: 'lamp replaced' }, 'handled')
    expect((await post('/api/v1/units/unit-0101/status', worker, { status: 'cleared' })).body).toMatchObject({ from: 'on_scene', to: 'cleared', incidentId: id })
    expect((await post('/api/v1/units/unit-0101/status', worker, { status: 'available' })).body).toMatchObject({ to: 'available', incidentId: null })
    now = clock(65)
    await step('report-back', worker, { note: 'done', photoUrls: ['https://example.org/after-1.jpg'] }, 'reported_back')
    // Whoever reported back cannot verify.
    expect(await post(`/api/v1/cases/${id}/verify`, worker, { passed: true, note: 'fine' })).toMatchObject({ status: 403, body: { error: { code: 'same_person' } } })
    now = clock(90)
    expect(await step('verify', inspector, { passed: false, note: 'still dark' }, 'dispatched')).toMatchObject({ reopenCount: 1, deadlineAt: clock(330).toISOString() })
    now = clock(120)
    await step('handle', worker, { note: 'fuse replaced' }, 'handled')
    await step('report-back', worker, { note: 'works now', photoUrls: ['https://example.org/after-2.jpg'] }, 'reported_back')
    now = clock(130)
    await step('verify', inspector, { passed: true, note: 'lit' }, 'verified')
    now = clock(131)
    expect(await step('close', dispatcher, {}, 'closed')).toMatchObject({ closedAt: clock(131).toISOString(), deadlineAt: null, pendingStep: null })

    const detail = await get(`/api/v1/cases/${id}`, dispatcher)
    expect(detail.status).toBe(200)
    const d = caseDetailSchema.parse(detail.body)
    expect(d.events.map((e) => `${e.step}:${e.toState}:${e.actor}`)).toEqual([
      'file:pending_approval:seat-1', 'approve:filed:leader', 'assign:dispatched:seat-1', 'handle:handled:worker-a',
      'report_back:reported_back:worker-a', 'verify_fail:dispatched:inspector-b', 'handle:handled:worker-a',
      'report_back:reported_back:worker-a', 'verify_pass:verified:inspector-b', 'close:closed:seat-1',
    ])
    expect(d.events[5].note).toBe('still dark')
    expect(d.photos).toEqual(['https://example.org/p/1.jpg', 'https://example.org/after-1.jpg', 'https://example.org/after-2.jpg'])
    expect(d.assignments).toHaveLength(1)
    expect(d.assignments[0]).toMatchObject({
      unitId: 'unit-0101', callsign: 'M-01', assignedBy: 'seat-1', onSceneAt: clock(20).toISOString(),
      timers: { processingS: 12 * 60, turnoutS: 60, travelS: 7 * 60, totalS: 20 * 60 },
    })
    expect(d.allowedActions).toEqual([])
    const layers = published.filter((p) => p.layer === 'cases' && p.event.kind === 'case')
    expect(layers.slice(-10).map((p) => p.event.action)).toEqual([
      'file', 'approve', 'assign', 'handle', 'report_back', 'verify_fail', 'handle', 'report_back', 'verify_pass', 'close',
    ])
    expect(published.filter((p) => p.event.kind === 'unit_status')).toHaveLength(4)
    expect(d.assignments[0].clearedAt).toBe(clock(60).toISOString())
  })

  it('answers 4xx for bad ids, unknown cases, wrong states, wrong roles and unknown or taken units', async () => {
    now = clock(0)
    const id = await insertCase(db(), { deadlineAt: clock(15) })
    const expectError = async (r: Promise<{ status: number; body: { error: { code: string } } }>, status: number, code: string) => {
      const res = await r
      expect(res.status, JSON.stringify(res.body)).toBe(status)
      expect(res.body.error.code).toBe(code)
    }
    await expectError(post('/api/v1/cases/abc/file', dispatcher), 400, 'invalid_request')
    await expectError(get('/api/v1/cases/12x', dispatcher), 400, 'invalid_request')
    await expectError(post('/api/v1/cases/999999/file', dispatcher), 404, 'not_found')
    await expectError(get('/api/v1/cases/999999', dispatcher), 404, 'not_found')
    // Outside the jurisdiction is the same as absent.
    await expectError(post(`/api/v1/cases/${id}/file`, { ...dispatcher, areas: [FIXTURE_GRIDS.east] }), 404, 'not_found')
    await expectError(get(`/api/v1/cases/${id}`, { ...dispatcher, areas: [FIXTURE_GRIDS.east] }), 404, 'not_found')
    // Wrong state.
    await expectError(post(`/api/v1/cases/${id}/approve`, leader), 409, 'wrong_state')
    await expectError(post(`/api/v1/cases/${id}/close`, dispatcher), 409, 'wrong_state')
    await expectError(post(`/api/v1/cases/${id}/verify`, inspector, { passed: true, note: 'x' }), 409, 'wrong_state')
    // Wrong role: at the door, and per state inside the state machine.
    await expectError(post(`/api/v1/cases/${id}/file`, { role: 'analyst' }), 403, 'forbidden')
    await expectError(post(`/api/v1/cases/${id}/file`, { role: 'wall' }), 403, 'forbidden')
    await expectError(get('/api/v1/cases', { role: 'auditor' }), 403, 'forbidden')
    await expectError(get(`/api/v1/cases/${id}`, { role: 'gateway' }), 403, 'forbidden')
    expect((await post(`/api/v1/cases/${id}/file`, dispatcher)).body).toMatchObject({ state: 'pending_approval', departmentCode: 'MUNICIPAL', priority: 2 })
    await expectError(post(`/api/v1/cases/${id}/approve`, dispatcher), 403, 'forbidden')
    await expectError(post(`/api/v1/cases/${id}/reject`, dispatcher, { kind: 'invalid', reason: 'no such place' }), 403, 'forbidden')
    await expectError(post(`/api/v1/cases/${id}/exceptions`, dispatcher, { kind: 'void', reason: 'test' }), 403, 'forbidden')
    // Bad bodies name the field.
    const bad = await post(`/api/v1/cases/${id}/reject`, leader, { kind: 'boring' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['body.kind', 'body.reason'])
    await expectError(post(`/api/v1/cases/${id}/file`, dispatcher, { categoryCode: 'EV-9999' }), 400, 'unknown_category')
    expect((await post(`/api/v1/cases/${id}/approve`, leader)).status).toBe(200)
    await expectError(post(`/api/v1/cases/${id}/dispatch`, dispatcher, {}), 400, 'invalid_request')
    await expectError(post(`/api/v1/cases/${id}/dispatch`, dispatcher, { departmentCode: 'NOWHERE' }), 400, 'unknown_department')
    await expectError(post(`/api/v1/cases/${id}/assign`, dispatcher, { unitId: 'unit-9999' }), 404, 'unknown_unit')
    await expectError(post(`/api/v1/cases/${id}/exceptions`, leader, { kind: 'extend', reason: 'x', extendMinutes: 0 }), 400, 'invalid_request')
    await expectError(post(`/api/v1/cases/${id}/exceptions`, leader, { kind: 'defer', reason: 'x', until: clock(-5).toISOString() }), 400, 'invalid_request')
    // A unit already on a job.
    const other = await insertCase(db(), { state: 'filed', deadlineAt: clock(30) })
    expect((await post(`/api/v1/cases/${other}/assign`, dispatcher, { unitId: 'unit-0102' })).status).toBe(200)
    await expectError(post(`/api/v1/cases/${id}/assign`, dispatcher, { unitId: 'unit-0102' }), 409, 'unit_unavailable')
    expect(await stateOf(id)).toBe('filed')
    // Unit status: unknown unit, a move the model forbids, a status only an assignment sets.
    await expectError(post('/api/v1/units/unit-9999/status', worker, { status: 'en_route' }), 404, 'not_found')
    await expectError(post('/api/v1/units/unit-0102/status', worker, { status: 'cleared' }), 409, 'wrong_state')
    await expectError(post('/api/v1/units/unit-0102/status', worker, { status: 'dispatched' }), 400, 'invalid_request')
    await expectError(post('/api/v1/units/unit-0103/status', { ...worker, areas: [FIXTURE_GRIDS.west] }, { status: 'out_of_service' }), 404, 'not_found')
    await expectError(post('/api/v1/units/unit-0103/status', { role: 'analyst' }, { status: 'out_of_service' }), 403, 'forbidden')
  })

  async function stateOf(id: number) {
    return (await db().query<{ state: string }>('SELECT state FROM incident WHERE id = $1', [id])).rows[0].state
  }

  it('keeps the exception ledger: return, extend, defer and void, each with reason and approver', async () => {
    now = clock(0)
    const id = await insertCase(db(), { state: 'filed', deadlineAt: clock(30) })
    expect((await post(`/api/v1/cases/${id}/dispatch`, dispatcher, { departmentCode: 'MUNICIPAL', unitId: 'unit-0103' })).body)
      .toMatchObject({ state: 'dispatched', departmentCode: 'MUNICIPAL', assignedUnitId: 'unit-0103' })
    now = clock(10)
    const returned = await post(`/api/v1/cases/${id}/exceptions`, leader, { kind: 'return', reason: 'not our asset', requestedBy: 'MUNICIPAL' })
    expect(returned.body).toMatchObject({ state: 'filed', departmentCode: null, dispatchedAt: null, deadlineAt: clock(40).toISOString() })
    // The returned case let its unit go.
    expect((await db().query(`SELECT status FROM unit WHERE id = 'unit-0103'`)).rows[0]).toEqual({ status: 'available' })
    const extended = await post(`/api/v1/cases/${id}/exceptions`, leader, { kind: 'extend', reason: 'owner being traced', extendMinutes: 60 })
    expect(extended.body).toMatchObject({ state: 'filed', deadlineAt: clock(100).toISOString() })
    const deferred = await post(`/api/v1/cases/${id}/exceptions`, { role: 'admin', user: 'chief' }, { kind: 'defer', reason: 'after the festival', until: clock(1440).toISOString() })
    expect(deferred.body).toMatchObject({ deadlineAt: clock(1470).toISOString(), deferredUntil: clock(1440).toISOString() })
    const voided = await post(`/api/v1/cases/${id}/exceptions`, leader, { kind: 'void', reason: 'duplicate found later' })
    expect(voided.body).toMatchObject({ state: 'voided', closedAt: clock(10).toISOString(), deadlineAt: null })
    const d = caseDetailSchema.parse((await get(`/api/v1/cases/${id}`, leader)).body)
    expect(d.exceptions.map((e) => [e.kind, e.reason, e.approvedBy, e.fromState, e.toState])).toEqual([
      ['return', 'not our asset', 'leader', 'dispatched', 'filed'],
      ['extend', 'owner being traced', 'leader', 'filed', 'filed'],
      ['defer', 'after the festival', 'chief', 'filed', 'filed'],
      ['void', 'duplicate found later', 'leader', 'filed', 'voided'],
    ])
    expect(d.exceptions[0].requestedBy).toBe('MUNICIPAL')
    expect(d.exceptions[1]).toMatchObject({ extendMinutes: 60, deadlineBefore: clock(40).toISOString(), deadlineAfter: clock(100).toISOString() })
    expect(d.assignments[0].releasedAt).toBe(clock(10).toISOString())
  })

  it('queues open cases by priority then deadline, filtered and scoped', async () => {
    await db().query(`UPDATE incident SET state = 'closed', closed_at = now() WHERE closed_at IS NULL`)
    const urgentLate = await insertCase(db(), { state: 'filed', deadlineAt: clock(50) })
    const urgentSoon = await insertCase(db(), { state: 'dispatched', deadlineAt: clock(20) })
    const east = await insertCase(db(), { state: 'reported', deadlineAt: clock(5), lon: -56.1, gridCode: FIXTURE_GRIDS.east })
    const lamp = await insertCase(db(), { state: 'reported', deadlineAt: clock(1), categoryCode: CASE_CATEGORIES.lamp })
    await db().query('UPDATE incident SET priority = 4 WHERE id = $1', [lamp])
    now = clock(30)
    const ids = async (query: string, as: As = dispatcher) => {
      const r = await get(`/api/v1/cases${query}`, as)
      expect(r.status, JSON.stringify(r.body)).toBe(200)
      return (r.body.cases as CaseSummary[]).map((c) => c.id)
    }
    expect(await ids('')).toEqual([east, urgentSoon, urgentLate, lamp])
    const all = (await get('/api/v1/cases', dispatcher)).body.cases as CaseSummary[]
    expect(all.map((c) => c.overdue)).toEqual([true, true, false, true])
    expect(await ids('?state=reported')).toEqual([east, lamp])
    expect(await ids(`?category=${CASE_CATEGORIES.lamp}`)).toEqual([lamp])
    expect(await ids(`?street=${FIXTURE_GRIDS.east.slice(0, 9)}`)).toEqual([east, urgentSoon, urgentLate, lamp])
    expect(await ids(`?street=${FIXTURE_GRIDS.east}`)).toEqual([east])
    expect(await ids('', { ...dispatcher, areas: [FIXTURE_GRIDS.west] })).toEqual([urgentSoon, urgentLate, lamp])
    expect(await ids('?state=closed&limit=1')).toHaveLength(1)
    expect((await get('/api/v1/cases?state=nonsense', dispatcher)).status).toBe(400)
  })

  it('flags a case near a grid border and suggests open cases of the same category nearby as duplicates', async () => {
    now = clock(0)
    // The grids meet at lon -56.165: 0.0001 degrees is about 9 m.
    const nearBorder = await insertCase(db(), { lon: -56.1651, reportedAt: clock(0) })
    const twin = await insertCase(db(), { lon: -56.1653, reportedAt: clock(-60) })
    await insertCase(db(), { lon: -56.1653, reportedAt: clock(-60), categoryCode: CASE_CATEGORIES.lamp })
    await insertCase(db(), { lon: -56.1653, reportedAt: clock(-60 * 30) })
    await insertCase(db(), { lon: -56.175, reportedAt: clock(0) })
    const d = caseDetailSchema.parse((await get(`/api/v1/cases/${nearBorder}`, dispatcher)).body)
    expect(d.borderFlag.flagged).toBe(true)
    expect(d.borderFlag.distanceM).toBeGreaterThan(5)
    expect(d.borderFlag.distanceM).toBeLessThan(15)
    expect(d.duplicates.map((x) => x.id)).toEqual([twin])
    expect(d.duplicates[0].distanceM).toBeGreaterThan(15)
    expect(d.duplicates[0].distanceM).toBeLessThan(22)
    expect(d.allowedActions).toEqual(['file', 'reject'])
    const middle = caseDetailSchema.parse((await get(`/api/v1/cases/${twin + 3}`, leader)).body)
    expect(middle.borderFlag).toMatchObject({ flagged: false, reason: null })
    expect(middle.allowedActions).toEqual(['file', 'reject', 'void', 'extend', 'defer'])
  })

  it('files a camera alert as a case, or dismisses one with a reason; never both, never twice', async () => {
    now = clock(0)
    const alert = async (sourceId: string) =>
      (await db().query<{ id: number }>(
        `INSERT INTO camera_alert (source, source_id, camera_id, type, started_at, grid_code, geom, snapshot_url)
         VALUES ('webhook', $1, 'cam-0001', 'smoke', $2, $3, ST_SetSRID(ST_MakePoint(-56.2, -34.9), 4326), $4) RETURNING id::int`,
        [sourceId, clock(-2), FIXTURE_GRIDS.west, `/api/v1/camera-alerts/x-${sourceId}/snapshot.jpg`],
      )).rows[0].id
    const a = await alert('s-1')
    const filed = await post(`/api/v1/camera-alerts/${a}/file`, dispatcher, { categoryCode: CASE_CATEGORIES.manhole, note: 'smoke from a manhole' })
    expect(filed.status, JSON.stringify(filed.body)).toBe(201)
    expect(filed.body).toMatchObject({ state: 'pending_approval', source: 'camera', cameraAlertId: a, gridCode: FIXTURE_GRIDS.west, deadlineAt: clock(13).toISOString() })
    const d = caseDetailSchema.parse((await get(`/api/v1/cases/${filed.body.id}`, dispatcher)).body)
    expect(d.cameraSnapshotUrl).toBe('/api/v1/camera-alerts/x-s-1/snapshot.jpg')
    expect(d.events.map((e) => e.step)).toEqual(['collect', 'file'])
    expect(published.at(-2)).toMatchObject({ layer: 'alerts', event: { op: 'updated', alert: { id: a, state: 'filed' } } })
    expect((await post(`/api/v1/camera-alerts/${a}/file`, dispatcher, { categoryCode: CASE_CATEGORIES.manhole })).status).toBe(409)
    expect((await post(`/api/v1/camera-alerts/${a}/dismiss`, dispatcher, { reason: 'late' })).status).toBe(409)

    const b = await alert('s-2')
    expect((await post(`/api/v1/camera-alerts/${b}/dismiss`, dispatcher, {})).status).toBe(400)
    expect((await post(`/api/v1/camera-alerts/${b}/file`, dispatcher, { categoryCode: 'EV-9999' })).status).toBe(400)
    expect((await post(`/api/v1/camera-alerts/${b}/dismiss`, { role: 'analyst' }, { reason: 'x' })).status).toBe(403)
    expect((await post(`/api/v1/camera-alerts/${b}/dismiss`, { ...dispatcher, areas: [FIXTURE_GRIDS.east] }, { reason: 'x' })).status).toBe(404)
    const dismissed = await post(`/api/v1/camera-alerts/${b}/dismiss`, dispatcher, { reason: 'a barbecue' })
    expect(dismissed).toMatchObject({ status: 200, body: { id: b, state: 'dismissed' } })
    const row = await db().query('SELECT state, decided_by, dismiss_reason FROM camera_alert WHERE id = $1', [b])
    expect(row.rows[0]).toEqual({ state: 'dismissed', decided_by: 'seat-1', dismiss_reason: 'a barbecue' })
    expect((await db().query('SELECT 1 FROM incident WHERE camera_alert_id = $1', [b])).rows).toHaveLength(0)
    expect((await post('/api/v1/camera-alerts/999999/dismiss', dispatcher, { reason: 'x' })).status).toBe(404)
  })

  it('lets admins, and only admins, edit a category; new deadlines use the new limits', async () => {
    const limits = { file: 10, dispatch: 20, handle: 120, verify: 30 }
    expect((await put(dispatcher, { priority: 1 })).status).toBe(403)
    expect((await put({ role: 'admin' }, { priority: 1 }, 'EV-9999')).status).toBe(404)
    expect((await put({ role: 'admin' }, { limitsMinutes: { file: 10 } })).status).toBe(400)
    expect((await put({ role: 'admin' }, {})).status).toBe(400)
    expect((await put({ role: 'admin' }, { departmentCode: 'NOWHERE' })).body.error.code).toBe('unknown_department')
    const ok = await put({ role: 'admin' }, { limitsMinutes: limits, priority: 2, departmentCode: 'MUNICIPAL', disposalPlan: 'replace the lamp' })
    expect(ok).toMatchObject({ status: 200, body: { code: CASE_CATEGORIES.lamp, limitsMinutes: limits, priority: 2, departmentCode: 'MUNICIPAL', active: true } })
    now = clock(0)
    const id = await insertCase(db(), { state: 'pending_approval', categoryCode: CASE_CATEGORIES.lamp, deadlineAt: clock(10) })
    expect((await post(`/api/v1/cases/${id}/approve`, leader)).body.deadlineAt).toBe(clock(20).toISOString())
  })

  it('lists the catalogue (retired categories on request) and the departments', async () => {
    await put({ role: 'admin' }, { active: false }, CASE_CATEGORIES.lamp)
    const active = await get('/api/v1/categories', dispatcher)
    expect(active.status).toBe(200)
    const codes = active.body.categories.map((c: { code: string }) => c.code)
    expect(codes).not.toContain(CASE_CATEGORIES.lamp)
    expect(codes).toEqual([...codes].sort())
    const all = await get('/api/v1/categories?inactive=true', dispatcher)
    expect(all.body.categories).toContainEqual(expect.objectContaining({ code: CASE_CATEGORIES.lamp, active: false }))
    expect((await get('/api/v1/categories?inactive=maybe', dispatcher)).status).toBe(400)
    expect((await get('/api/v1/categories', { role: 'auditor' })).status).toBe(403)
    const deps = await get('/api/v1/departments', dispatcher)
    expect(deps.body.departments).toContainEqual(expect.objectContaining({ code: 'MUNICIPAL' }))
  })
})
