import { EXCEPTION_KINDS, TIMED_STEPS, type Evaluation, type TimedStep } from '../../geo/analytics/case-evaluation.ts'

/**
 * The 综合评价 table: which figures it shows, how each is made from the counts (so the page can show the
 * fraction next to the rate), sorting and the CSV export. Pure, so the page only renders.
 */
export type EvaluationRow = Evaluation & { code: string; name: string | null }
export type FormulaKey = 'closureRate' | 'onTimeRate' | 'stepOnTimeRate' | 'reopenRate' | 'supervisionPer100' | 'meanResponseMinutes'
export interface EvaluationResponse {
  level: 'grid' | 'department'
  from: string
  to: string
  formulas: Record<FormulaKey, { zh: string; en: string }>
  rows: EvaluationRow[]
}

export interface EvaluationColumn {
  /** Also the CSV header and the i18n suffix (`analyst.eval.<id>`, steps: `analyst.eval.step.<step>`). */
  id: string
  kind: 'text' | 'count' | 'rate' | 'per100' | 'minutes'
  value: (r: EvaluationRow) => number | string | null
  /** The counts the figure is made of, shown beside it. */
  parts?: (r: EvaluationRow) => [number, number]
  formula?: FormulaKey
}

const stepColumn = (s: TimedStep): EvaluationColumn => ({
  id: `step.${s}`,
  kind: 'rate',
  value: (r) => r.stepOnTimeRate[s],
  parts: (r) => [r.steps[s].onTime, r.steps[s].done],
  formula: 'stepOnTimeRate',
})

export const EVALUATION_COLUMNS: EvaluationColumn[] = [
  { id: 'code', kind: 'text', value: (r) => r.code },
  { id: 'name', kind: 'text', value: (r) => r.name },
  { id: 'reported', kind: 'count', value: (r) => r.reported },
  { id: 'filed', kind: 'count', value: (r) => r.filed },
  { id: 'closed', kind: 'count', value: (r) => r.closed },
  { id: 'closureRate', kind: 'rate', value: (r) => r.closureRate, parts: (r) => [r.closed, r.filed], formula: 'closureRate' },
  { id: 'onTimeRate', kind: 'rate', value: (r) => r.onTimeRate, parts: (r) => [r.closedOnTime, r.closed], formula: 'onTimeRate' },
  ...TIMED_STEPS.map(stepColumn),
  { id: 'reopenRate', kind: 'rate', value: (r) => r.reopenRate, parts: (r) => [r.reopened, r.filed], formula: 'reopenRate' },
  { id: 'supervisionPer100', kind: 'per100', value: (r) => r.supervisionPer100, parts: (r) => [r.supervisionOrders, r.filed], formula: 'supervisionPer100' },
  { id: 'exceptions', kind: 'count', value: (r) => EXCEPTION_KINDS.reduce((n, k) => n + r.exceptions[k], 0) },
  { id: 'meanResponseMinutes', kind: 'minutes', value: (r) => r.meanResponseMinutes, formula: 'meanResponseMinutes' },
]

/** Sorted copy; rows without the figure (a zero denominator) go last in either direction. */
export function sortRows(rows: readonly EvaluationRow[], column: EvaluationColumn, dir: 'asc' | 'desc'): EvaluationRow[] {
  const sign = dir === 'asc' ? 1 : -1
  return [...rows].sort((a, b) => {
    const x = column.value(a), y = column.value(b)
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y))
    return sign * c
  })
}

/** The figure as shown: rates in %, the fraction it is made of beside it; '—' when the denominator is zero. */
export function formatFigure(column: EvaluationColumn, r: EvaluationRow): string {
  const v = column.value(r)
  if (v === null) return '—'
  if (typeof v === 'string') return v
  const parts = column.parts ? ` (${column.parts(r)[0]}/${column.parts(r)[1]})` : ''
  if (column.kind === 'rate') return `${(100 * v).toFixed(1)}%${parts}`
  if (column.kind === 'per100') return `${v.toFixed(1)}${parts}`
  if (column.kind === 'minutes') return v.toFixed(1)
  return String(v)
}

/** Every count and rate, unrounded, one row per grid or department; the window and formulas follow as `#` lines. */
export function evaluationCsv(res: EvaluationResponse, lang: 'zh' | 'en'): string {
  const header = [
    'code', 'name', 'reported', 'filed', 'closed', 'closedOnTime', 'closureRate', 'onTimeRate',
    ...TIMED_STEPS.flatMap((s) => [`${s}Done`, `${s}OnTime`, `${s}OnTimeRate`]),
    'reopened', 'reopenRate', 'supervisionOrders', 'supervisionPer100', ...EXCEPTION_KINDS.map((k) => `exceptions_${k}`), 'meanResponseMinutes',
  ]
  const rows = res.rows.map((r) => [
    r.code, r.name, r.reported, r.filed, r.closed, r.closedOnTime, r.closureRate, r.onTimeRate,
    ...TIMED_STEPS.flatMap((s) => [r.steps[s].done, r.steps[s].onTime, r.stepOnTimeRate[s]]),
    r.reopened, r.reopenRate, r.supervisionOrders, r.supervisionPer100, ...EXCEPTION_KINDS.map((k) => r.exceptions[k]), r.meanResponseMinutes,
  ])
  const notes = [`# ${res.level} ${res.from} – ${res.to}`, ...Object.values(res.formulas).map((f) => `# ${f[lang]}`)]
  return [header, ...rows].map((cells) => cells.map(csvCell).join(',')).concat(notes.map(csvCell)).join('\n')
}

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return ''
  const s = String(v)
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}
