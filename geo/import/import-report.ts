import type { ImportKind } from './import-kind.ts'

/** A fix was applied and the data is usable; a warning is written anyway unless --strict; an error blocks writing. */
export type Severity = 'fix' | 'warning' | 'error'

/**
 * Where a problem is, as precisely as known: `feature` is the index into the FeatureCollection's `features`
 * array (from 0, as `jq '.features[17]'` finds it); `line` and `column` count from 1 as editors do.
 */
export interface Place {
  feature?: number
  line?: number
  column?: number
  code?: string
  field?: string
}

export interface ImportIssue extends Place {
  severity: Severity
  message: string
}

export interface FileReport {
  file: string
  kind: ImportKind
  /** What the file holds; printed in insertion order. */
  counts: Record<string, number>
  issues: ImportIssue[]
  written: boolean
  /** Once written: what the write changed in the database. */
  changes: Record<string, number>
}

export const issue = (severity: Severity, message: string, place: Place = {}): ImportIssue => ({ ...place, severity, message })

export const hasErrors = (issues: readonly ImportIssue[]) => issues.some((i) => i.severity === 'error')

/** --strict: an overlap or a gap is then a reason to write nothing. */
export const escalateWarnings = (issues: readonly ImportIssue[]): ImportIssue[] =>
  issues.map((i) => (i.severity === 'warning' ? { ...i, severity: 'error' } : i))

export function formatPlace(p: Place): string {
  const where = p.feature !== undefined ? `feature ${p.feature}` : p.line !== undefined ? `line ${p.line}` : ''
  const parts = [
    [where, p.code !== undefined ? `(code ${p.code})` : ''].filter(Boolean).join(' '),
    p.column !== undefined ? `column ${p.column}` : '',
    p.field !== undefined ? `field ${p.field}` : '',
  ]
  return parts.filter(Boolean).join(', ')
}

/** Issues in the order of the file; those about the file as a whole after them. */
const inputOrder = (p: Place) => p.feature ?? p.line ?? Infinity

const LABEL: Readonly<Record<Severity, string>> = { fix: 'fixed', warning: 'warning', error: 'error' }

export function formatIssue(i: ImportIssue): string {
  const place = formatPlace(i)
  return `${place ? `${place}: ` : ''}${LABEL[i.severity]}: ${i.message}`
}

/** Enough to act on; a file with thousands of the same problem should not bury the summary. */
const SHOWN_PER_SEVERITY = 50

export type ImportOutcome = 'written' | 'validated' | 'rejected' | 'failed'

const OUTCOME: Readonly<Record<ImportOutcome, string>> = {
  written: 'imported',
  validated: 'valid (dry run: nothing written)',
  rejected: 'not imported: fix the errors above; nothing was written',
  failed: 'import failed while writing; files not marked "written" were rolled back',
}

export function formatReport(reports: readonly FileReport[], outcome: ImportOutcome): string {
  const lines: string[] = []
  for (const r of reports) {
    lines.push(`${r.kind} ${r.file}${r.written ? ' (written)' : ''}`)
    lines.push(...listed('', r.counts), ...listed('written: ', r.changes))
    for (const severity of ['fix', 'warning', 'error'] as const) {
      const of = r.issues.filter((i) => i.severity === severity).sort((a, b) => inputOrder(a) - inputOrder(b))
      for (const i of of.slice(0, SHOWN_PER_SEVERITY)) lines.push(`  ${formatIssue(i)}`)
      if (of.length > SHOWN_PER_SEVERITY) lines.push(`  … ${of.length - SHOWN_PER_SEVERITY} more (${LABEL[severity]})`)
    }
  }
  const count = (s: Severity) => reports.reduce((n, r) => n + r.issues.filter((i) => i.severity === s).length, 0)
  const tally = `${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}, ${count('fix')} fixed`
  lines.push(`${plural(reports.length, 'file')}, ${tally}: ${OUTCOME[outcome]}`)
  return lines.join('\n')
}

const WIDTH = 110

/** `key: value` pairs after a label, wrapped to a terminal's width. */
function listed(label: string, counts: Record<string, number>): string[] {
  const items = Object.entries(counts).map(([k, v]) => `${k}: ${v.toLocaleString('en')}`)
  if (items.length === 0) return []
  const lines = [`  ${label}${items[0]}`]
  for (const item of items.slice(1)) {
    if (lines[lines.length - 1].length + item.length + 2 > WIDTH) {
      lines[lines.length - 1] += ','
      lines.push(`    ${item}`)
    } else lines[lines.length - 1] += `, ${item}`
  }
  return lines
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`
