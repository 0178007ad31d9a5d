import type { CaseSummary } from '../../geo/cases/case-record.ts'
import type { CaseState } from '../../geo/cases/case-states.ts'

/** What the dispatcher narrowed the queue to. Empty fields mean "any". */
export interface QueueFilter {
  states: readonly CaseState[]
  category: string
  /** An area code (a street's): cases in grids under it. */
  area: string
  /** Free text over id, description, address and category name; applied on the page only. */
  text: string
}

/** The server's queue order (priority, then the nearest deadline, then id), kept when live changes come in. */
export function compareCases(a: CaseSummary, b: CaseSummary): number {
  if (a.priority !== b.priority) return a.priority - b.priority
  const da = a.deadlineAt ? Date.parse(a.deadlineAt) : Infinity
  const db = b.deadlineAt ? Date.parse(b.deadlineAt) : Infinity
  if (da !== db) return da < db ? -1 : 1
  return a.id - b.id
}

/** The server-side part of the filter, as the query of GET /api/v1/cases. */
export function queueQuery(f: QueueFilter, limit = 500): URLSearchParams {
  const q = new URLSearchParams({ limit: String(limit) })
  if (f.states.length) q.set('state', f.states.join(','))
  if (f.category) q.set('category', f.category)
  if (f.area) q.set('street', f.area)
  return q
}

/** Whether a case belongs in the queue under the filter: the server's rules, for cases that arrive live. */
export function inQueue(c: CaseSummary, f: QueueFilter, openStates: readonly CaseState[]): boolean {
  const states = f.states.length ? f.states : openStates
  if (!states.includes(c.state)) return false
  if (f.category && c.categoryCode !== f.category) return false
  if (f.area && !(c.gridCode ?? '').startsWith(f.area)) return false
  return true
}

export function matchesText(c: CaseSummary, text: string): boolean {
  const needle = text.trim().toLowerCase()
  if (!needle) return true
  const hay = [`#${c.id}`, String(c.id), c.description, c.address ?? '', c.categoryName ?? '', c.categoryNameEn ?? '', c.categoryCode ?? '', c.gridCode ?? '']
  return hay.some((s) => s.toLowerCase().includes(needle))
}

/** The queue after one case changed: replaced, added or dropped, and still in order. */
export function applyChange(queue: readonly CaseSummary[], c: CaseSummary, f: QueueFilter, openStates: readonly CaseState[]): CaseSummary[] {
  const rest = queue.filter((x) => x.id !== c.id)
  if (!inQueue(c, f, openStates)) return rest
  rest.push(c)
  return rest.sort(compareCases)
}
