import { beforeAll, expect, it } from 'vitest'
import { describeBackends } from '../testing/backends.ts'
import type { Principal } from '../auth/principal.ts'
import { loadCatalogue } from '../../seeds/load/load-catalogue.ts'
import { caseEvaluation } from '../../geo/analytics/case-evaluation.ts'
import { evaluationCounts } from './evaluation-query.ts'

const G1 = '999001001001001', G2 = '999001001002001'
const everyone: Principal = { userId: 1, username: 'ana', role: 'analyst', areas: 'all', layers: new Set() }
const window = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') }
const at = (hhmm: string | null) => (hhmm ? `2026-03-02T${hhmm}:00Z` : null)

describeBackends('evaluation counts', ({ db }) => {
  beforeAll(async () => {
    await loadCatalogue(db())
    for (const [code, name] of [[G1, '一号网格'], [G2, '二号网格']]) {
      await db().query(`INSERT INTO admin_area (code, level, name, geom) VALUES ($1, 'grid', $2, ST_GeomFromText('MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)))', 4326))`, [code, name])
    }
    // PT-0101 limits: file 30 min, dispatch 30 min, handle 8 h, verify 4 h.
    const cases: Array<[string, string, string, string | null, string | null, string | null, string | null, number]> = [
      // grid, department, state, filed, dispatched, reported back, verified, reopen count (reported at 10:00)
      [G1, 'WATER', 'closed', '10:20', '10:40', '12:00', '13:00', 0], // every step on time
      [G1, 'WATER', 'closed', '10:10', '11:00', '12:00', '12:30', 1], // dispatch 50 min > 30: late
      [G1, 'WATER', 'filed', '10:45', null, null, null, 0], // filed after 45 min > 30: late
      [G1, 'WATER', 'reported', null, null, null, null, 0],
      [G2, 'POWER', 'closed', '10:05', '10:15', '11:00', '11:30', 0],
    ]
    for (const [grid, dept, state, filed, dispatched, back, verified, reopen] of cases) {
      await db().query(
        `INSERT INTO incident (source, category_code, priority, state, geom, grid_code, reported_at, filed_at, dispatched_at,
           reported_back_at, verified_at, closed_at, department_code, reopen_count)
         VALUES ('citizen', 'PT-0101', 2, $1, ST_SetSRID(ST_MakePoint(0.5, 0.2), 4326), $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [state, grid, at('10:00'), at(filed), at(dispatched), at(back), at(verified), state === 'closed' ? at(verified) : null, dept, reopen],
      )
    }
    const second = `(SELECT id FROM incident ORDER BY id OFFSET 1 LIMIT 1)`
    await db().query(`INSERT INTO supervision_order (incident_id, level, step, state, issued_at, due_at) VALUES (${second}, 1, 'dispatch', 'filed', $1, $2)`, [at('10:40'), at('11:10')])
    await db().query(
      `INSERT INTO case_exception (incident_id, kind, reason, approved_by, at, from_state, to_state) VALUES (${second}, 'extend', '等待配件', 'lead', $1, 'dispatched', 'dispatched')`,
      [at('11:30')],
    )
  })

  it('counts one grid worked by hand', async () => {
    const rows = await evaluationCounts(db(), 'grid', window, everyone, 'America/Montevideo')
    expect(rows.map((r) => r.code)).toEqual([G1, G2])
    expect(rows[0]).toEqual({
      code: G1, name: '一号网格', reported: 4, filed: 3, closed: 2, closedOnTime: 1,
      steps: { file: { done: 3, onTime: 2 }, dispatch: { done: 2, onTime: 1 }, handle: { done: 2, onTime: 2 }, verify: { done: 2, onTime: 2 } },
      reopened: 1, supervisionOrders: 1, exceptions: { return: 0, void: 0, extend: 1, defer: 0 },
      // (40 + 60) / 2 minutes from report to dispatch.
      meanResponseMinutes: 50,
    })
    expect(caseEvaluation(rows[0])).toMatchObject({ closureRate: 2 / 3, onTimeRate: 0.5, reopenRate: 1 / 3 })
  })

  it('groups by department and keeps to the jurisdiction', async () => {
    const depts = await evaluationCounts(db(), 'department', window, everyone, 'America/Montevideo')
    expect(depts.map((r) => [r.code, r.reported, r.closedOnTime])).toEqual([['POWER', 1, 1], ['WATER', 4, 1]])
    const scoped = await evaluationCounts(db(), 'department', window, { ...everyone, areas: ['999001001002'] }, 'America/Montevideo')
    expect(scoped.map((r) => r.code)).toEqual(['POWER'])
  })
})
