import type { CaseSummary } from '../../geo/cases/case-record.ts'
import { CASE_STATE_LABELS } from '../../geo/cases/case-states.ts'
import { lang, t } from '../i18n.ts'
import { tn } from '../wall/format.ts'
import { countdown } from './countdown.ts'
import { el } from './dom.ts'

export const stateLabel = (state: string): string => CASE_STATE_LABELS[state as keyof typeof CASE_STATE_LABELS]?.[lang] ?? state
export const categoryLabel = (c: CaseSummary): string => (lang === 'en' ? (c.categoryNameEn ?? c.categoryName) : c.categoryName) ?? c.categoryCode ?? t('dispatch.noCategory')

/** The case list: one row per case, the selected one marked. Countdowns are refreshed by `tickCountdowns`. */
export function renderQueue(
  list: HTMLElement, cases: readonly CaseSummary[], selectedId: number | null, placeOf: (c: CaseSummary) => string, unitName: (id: string) => string, now: number,
): void {
  list.replaceChildren(
    ...cases.map((c) => {
      const row = el('li', 'case-row')
      row.dataset.caseId = String(c.id)
      row.dataset.state = c.state
      if (c.id === selectedId) row.classList.add('selected')
      const top = el('div', 'row-top')
      top.append(el('span', `prio p${c.priority}`, `P${c.priority}`), el('span', 'case-id', `#${c.id}`), el('span', 'cat', categoryLabel(c)))
      if (c.supervisionLevel) {
        const sup = el('span', 'supervision', tn('dispatch.supervision.short', c.supervisionLevel))
        sup.title = t('dispatch.supervision.title')
        top.append(sup)
      }
      const clock = el('span', 'clock')
      if (c.deadlineAt) clock.dataset.deadline = c.deadlineAt
      if (c.deferredUntil) clock.dataset.deferred = c.deferredUntil
      top.append(clock)
      const bottom = el('div', 'row-bottom')
      bottom.append(el('span', `state s-${c.state}`, stateLabel(c.state)), el('span', 'place', placeOf(c)))
      if (c.assignedUnitId) bottom.append(el('span', 'unit-tag', unitName(c.assignedUnitId)))
      const desc = el('div', 'desc', c.description || c.address || '')
      row.append(top, bottom, desc)
      return row
    }),
  )
  tickCountdowns(list, now)
}

/** Every second: the time left or over on each visible deadline, red once overdue. */
export function tickCountdowns(root: ParentNode, now: number): void {
  for (const clock of root.querySelectorAll<HTMLElement>('.clock')) {
    const deadline = clock.dataset.deadline
    if (clock.dataset.deferred && Date.parse(clock.dataset.deferred) > now) {
      clock.textContent = tn('dispatch.deferred', new Date(clock.dataset.deferred).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }))
      clock.className = 'clock deferred'
      continue
    }
    if (!deadline) {
      clock.textContent = t('dispatch.noDeadline')
      clock.className = 'clock none'
      continue
    }
    const c = countdown(Date.parse(deadline), now)
    clock.textContent = tn(c.overdue ? 'dispatch.overdueBy' : 'dispatch.timeLeft', c.text)
    clock.className = `clock${c.overdue ? ' overdue' : c.urgent ? ' urgent' : ''}`
  }
}
