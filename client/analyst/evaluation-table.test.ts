import { expect, it } from 'vitest'
import { caseEvaluation, EVALUATION_FORMULAS, type EvaluationCounts } from '../../geo/analytics/case-evaluation.ts'
import { EVALUATION_COLUMNS, evaluationCsv, formatFigure, sortRows, type EvaluationRow } from './evaluation-table.ts'

const step = (done: number, onTime: number) => ({ done, onTime })
function row(code: string, name: string | null, filed: number, closed: number, extra: Partial<EvaluationCounts> = {}): EvaluationRow {
  const counts: EvaluationCounts = {
    reported: filed + 1, filed, closed, closedOnTime: Math.floor(closed / 2),
    steps: { file: step(filed, filed), dispatch: step(filed, filed - 1), handle: step(closed, closed), verify: step(closed, 0) },
    reopened: 1, supervisionOrders: 2, exceptions: { return: 1, void: 0, extend: 2, defer: 0 }, meanResponseMinutes: 12.25, ...extra,
  }
  return { code, name, ...caseEvaluation(counts) }
}
const col = (id: string) => EVALUATION_COLUMNS.find((c) => c.id === id)!

it('shows each rate with the fraction it is made of, and a dash for a zero denominator', () => {
  const r = row('G1', 'Centro', 8, 4)
  expect(formatFigure(col('closureRate'), r)).toBe('50.0% (4/8)')
  expect(formatFigure(col('onTimeRate'), r)).toBe('50.0% (2/4)')
  expect(formatFigure(col('step.dispatch'), r)).toBe('87.5% (7/8)')
  expect(formatFigure(col('supervisionPer100'), r)).toBe('25.0 (2/8)')
  expect(formatFigure(col('exceptions'), r)).toBe('3')
  expect(formatFigure(col('meanResponseMinutes'), r)).toBe('12.3')
  expect(formatFigure(col('closureRate'), row('G2', null, 0, 0))).toBe('—')
  for (const c of EVALUATION_COLUMNS) if (c.kind === 'rate' || c.kind === 'per100') expect(c.formula).toBeDefined()
})

it('sorts by any column either way, rows without the figure last', () => {
  const rows = [row('G1', 'b', 8, 4), row('G2', null, 0, 0), row('G3', 'a', 10, 9), row('G4', 'c', 4, 1)]
  expect(sortRows(rows, col('closureRate'), 'desc').map((r) => r.code)).toEqual(['G3', 'G1', 'G4', 'G2'])
  expect(sortRows(rows, col('closureRate'), 'asc').map((r) => r.code)).toEqual(['G4', 'G1', 'G3', 'G2'])
  expect(sortRows(rows, col('name'), 'asc').map((r) => r.code)).toEqual(['G3', 'G1', 'G4', 'G2'])
  expect(sortRows(rows, col('filed'), 'asc').map((r) => r.code)).toEqual(['G2', 'G4', 'G1', 'G3'])
  expect(rows.map((r) => r.code)).toEqual(['G1', 'G2', 'G3', 'G4'])
})

it('exports every count and unrounded rate as CSV, quoting names, with the formulas after the data', () => {
  const csv = evaluationCsv(
    { level: 'grid', from: '2026-03-01T00:00:00.000Z', to: '2026-06-01T00:00:00.000Z', formulas: EVALUATION_FORMULAS, rows: [row('G1', 'Centro, "norte"', 3, 1), row('G2', null, 0, 0)] },
    'en',
  )
  const lines = csv.split('\n')
  const header = lines[0].split(',')
  expect(header.slice(0, 8)).toEqual(['code', 'name', 'reported', 'filed', 'closed', 'closedOnTime', 'closureRate', 'onTimeRate'])
  expect(lines[1].startsWith('G1,"Centro, ""norte""",4,3,1,0,0.3333333333333333,0,')).toBe(true)
  expect(lines[2].split(',')[header.indexOf('closureRate')]).toBe('')
  expect(lines[2].split(',')[header.indexOf('exceptions_extend')]).toBe('2')
  expect(lines[2].split(',')).toHaveLength(header.length)
  expect(csv).toContain('# grid 2026-03-01T00:00:00.000Z – 2026-06-01T00:00:00.000Z')
  expect(csv).toContain('# closure rate = closed ÷ filed')
})
