/** What a benchmark hands back for printing: one table with a baseline row first, then measured rows. */
export interface BenchRow {
  /** What was measured, e.g. "HTTP bulk POST (5,000 per request, 4 senders)". */
  what: string
  /** The figure, already formatted with its unit. */
  value: string
  /** The baseline figure this row is compared with (blank on the baseline row itself). */
  baseline?: string
  /** measured / baseline (or baseline / measured for latencies), formatted. */
  ratio?: string
  target?: string
  /** Whether the target was met; undefined when the row has no target. Informational only. */
  met?: boolean
}

export interface BenchReport {
  name: string
  title: string
  rows: BenchRow[]
  /** Set-up, method and caveats, printed under the table. */
  notes: string[]
}

const fmtInt = new Intl.NumberFormat('en', { maximumFractionDigits: 0 })
export const int = (n: number) => fmtInt.format(n)
export const ms = (n: number) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(1) : fmtInt.format(n)) + ' ms' : 'n/a')
export const pct = (n: number) => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(1) : Math.round(n)}%` : 'n/a')
export const times = (n: number) => (Number.isFinite(n) ? `${n.toFixed(n < 10 ? 2 : 1)}×` : 'n/a')

export function renderReport(r: BenchReport): string {
  const head = ['', 'measured', 'baseline', 'ratio', 'target', 'met']
  const body = r.rows.map((row) => [
    row.what,
    row.value,
    row.baseline ?? '',
    row.ratio ?? '',
    row.target ?? '',
    row.met === undefined ? '' : row.met ? 'yes' : 'NO',
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)))
  const line = (cells: string[]) =>
    '  ' + cells.map((c, i) => (i === 0 || i >= 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd()
  const out = [`${r.name}: ${r.title}`, line(head), '  ' + widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)]
  for (const n of r.notes) out.push(`  · ${n}`)
  return out.join('\n')
}

/** What run.ts hands each benchmark. */
export interface BenchContext {
  args: import('./args.ts').BenchArgs
  city: import('./bench-db.ts').BenchCity
  log: import('../../server/logger.ts').Logger
}
