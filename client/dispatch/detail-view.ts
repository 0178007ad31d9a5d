import type { CaseDetail } from '../../geo/cases/case-record.ts'
import { lang, t, type MessageKey } from '../i18n.ts'
import { tn } from '../wall/format.ts'
import { duration, distance } from './candidate-view.ts'
import { el, isOwnUrl } from './dom.ts'
import { categoryLabel, stateLabel } from './queue-view.ts'

const dateTime = new Intl.DateTimeFormat(lang === 'zh' ? 'zh-CN' : 'en-GB', {
  month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
})
export const when = (iso: string | null): string => (iso ? dateTime.format(new Date(iso)) : '—')

/** A message key if the page has one, else the raw value: the server may know steps and sources this page does not. */
function label(prefix: string, value: string): string {
  const key = `${prefix}.${value}` as MessageKey
  return t(key) ?? value
}

function section(title: MessageKey, ...children: Node[]): HTMLElement {
  const s = el('section', 'detail-section')
  s.append(el('h3', '', t(title)), ...children)
  return s
}

function facts(rows: Array<[MessageKey, string]>): HTMLElement {
  const dl = el('dl', 'facts')
  for (const [k, v] of rows) dl.append(el('dt', '', t(k)), el('dd', '', v))
  return dl
}

/** Event attributes worth reading in the history, in the page language. */
function eventExtras(attrs: Record<string, unknown>, departmentName: (code: string) => string): string[] {
  const out: string[] = []
  const str = (k: string) => (typeof attrs[k] === 'string' || typeof attrs[k] === 'number' ? String(attrs[k]) : null)
  if (str('reason')) out.push(`${t('dispatch.field.reason')}: ${str('reason')}`)
  if (str('unitId')) out.push(`${t('dispatch.field.unit')}: ${str('unitId')}`)
  if (str('departmentCode')) out.push(`${t('dispatch.field.department')}: ${departmentName(str('departmentCode')!)}`)
  if (str('categoryCode')) out.push(`${t('dispatch.field.category')}: ${str('categoryCode')}`)
  if (str('rejectKind')) out.push(label('dispatch.reject', str('rejectKind')!))
  if (str('duplicateOf')) out.push(`${t('dispatch.field.duplicateOf')}: #${str('duplicateOf')}`)
  if (str('requestedBy')) out.push(`${t('dispatch.field.requestedBy')}: ${str('requestedBy')}`)
  if (str('level')) out.push(tn('dispatch.supervision.short', str('level')!))
  if (str('channel')) out.push(label('dispatch.channel', str('channel')!))
  if (str('deadlineAt')) out.push(`${t('dispatch.deadline')}: ${when(str('deadlineAt'))}`)
  return out
}

/** Everything the server knows of the case, newest history last; departments by name (the code if unknown). */
export function renderDetail(root: HTMLElement, d: CaseDetail, departmentName: (code: string) => string): void {
  const c = d.case
  const head = el('header', 'detail-head')
  const title = el('div', 'detail-title')
  title.append(el('span', `prio p${c.priority}`, `P${c.priority}`), el('strong', '', `#${c.id} ${categoryLabel(c)}`), el('span', `state s-${c.state}`, stateLabel(c.state)))
  if (c.supervisionLevel) title.append(el('span', 'supervision', tn('dispatch.supervision.short', c.supervisionLevel)))
  const clock = el('span', 'clock')
  if (c.deadlineAt) clock.dataset.deadline = c.deadlineAt
  if (c.deferredUntil) clock.dataset.deferred = c.deferredUntil
  title.append(clock)
  head.append(title)
  if (c.description) head.append(el('p', 'detail-desc', c.description))
  const rows: Array<[MessageKey, string]> = [
    ['dispatch.source', label('dispatch.sourceKind', c.source)],
    ['dispatch.reportedAt', when(c.reportedAt)],
    ['dispatch.deadline', when(c.deadlineAt)],
    ['dispatch.grid', c.gridCode ?? '—'],
    ['dispatch.field.department', c.departmentCode ? departmentName(c.departmentCode) : '—'],
  ]
  if (c.address) rows.splice(1, 0, ['dispatch.address', c.address])
  if (c.reopenCount) rows.push(['dispatch.reopens', String(c.reopenCount)])
  head.append(facts(rows))
  if (d.borderFlag.flagged) {
    head.append(el('p', 'warning', d.borderFlag.reason === 'outside_grids' ? t('dispatch.border.outside') : tn('dispatch.border.near', distance(d.borderFlag.distanceM ?? 0))))
  }
  if (d.duplicates.length) {
    const ul = el('ul', 'duplicates')
    for (const x of d.duplicates) ul.append(el('li', '', `#${x.id} · ${stateLabel(x.state)} · ${distance(x.distanceM)} · ${x.description}`))
    head.append(el('p', 'warning', tn('dispatch.duplicates', d.duplicates.length)), ul)
  }

  const parts: HTMLElement[] = [head]

  if (d.assignments.length) {
    const ul = el('ul', 'assignments')
    for (const a of d.assignments) {
      const li = el('li', a.releasedAt || a.clearedAt ? 'done' : '')
      li.append(
        el('strong', '', a.callsign),
        el('span', `unit-status u-${a.unitStatus}`, label('wall.status', a.unitStatus)),
        el('span', '', `${t('dispatch.assignedAt')} ${when(a.assignedAt)} · ${a.assignedBy}`),
      )
      const timers = [
        [t('dispatch.timer.processing'), a.timers.processingS],
        [t('dispatch.timer.turnout'), a.timers.turnoutS],
        [t('dispatch.timer.travel'), a.timers.travelS],
        [t('dispatch.timer.total'), a.timers.totalS],
      ] as const
      li.append(el('span', 'timers', timers.map(([k, v]) => `${k} ${v === null ? '—' : duration(v)}`).join(' · ')))
      ul.append(li)
    }
    parts.push(section('dispatch.assignments', ul))
  }

  if (d.photos.length || d.cameraSnapshotUrl) {
    const box = el('div', 'photos')
    const add = (url: string, caption: string) => {
      const fig = el('figure')
      if (isOwnUrl(url)) {
        const img = el('img')
        img.src = url
        img.alt = caption
        img.loading = 'lazy'
        fig.append(img)
      } else {
        const a = el('a', 'external', t('dispatch.photo.open'))
        a.href = url
        a.target = '_blank'
        a.rel = 'noopener noreferrer'
        fig.append(a)
      }
      fig.append(el('figcaption', '', caption))
      box.append(fig)
    }
    if (d.cameraSnapshotUrl) add(d.cameraSnapshotUrl, t('dispatch.photo.snapshot'))
    d.photos.forEach((p, i) => add(p, tn('dispatch.photo.n', i + 1)))
    parts.push(section('dispatch.photos', box))
  }

  if (d.supervisionOrders.length || d.exceptions.length) {
    const ul = el('ul', 'ledger')
    for (const o of d.supervisionOrders) {
      ul.append(el('li', o.settledAt ? 'done' : 'open', `${tn('dispatch.supervision.short', o.level)} · ${label('dispatch.step', o.step)} · ${t('dispatch.issued')} ${when(o.issuedAt)} · ${t('dispatch.due')} ${when(o.dueAt)}${o.settledAt ? ` · ${t('dispatch.settled')}` : o.escalatedAt ? ` · ${t('dispatch.escalated')}` : ''}`))
    }
    for (const x of d.exceptions) {
      ul.append(el('li', 'exception', `${label('dispatch.exception', x.kind)} · ${x.reason} · ${t('dispatch.approvedBy')} ${x.approvedBy} · ${when(x.at)}`))
    }
    parts.push(section('dispatch.ledger', ul))
  }

  const history = el('ol', 'history')
  for (const e of d.events) {
    const li = el('li')
    li.dataset.step = e.step
    const line = el('div', 'ev-line')
    line.append(el('time', '', when(e.at)), el('strong', '', label('dispatch.step', e.step)))
    if (e.fromState !== e.toState || e.fromState === null) line.append(el('span', 'ev-states', `${e.fromState ? `${stateLabel(e.fromState)} → ` : ''}${stateLabel(e.toState)}`))
    if (e.actor) line.append(el('span', 'ev-actor', e.actor))
    li.append(line)
    if (e.note) li.append(el('p', 'ev-note', e.note))
    const extras = eventExtras(e.attributes, departmentName)
    if (extras.length) li.append(el('p', 'ev-extra', extras.join(' · ')))
    history.append(li)
  }
  parts.push(section('dispatch.history', history))
  root.replaceChildren(...parts)
}
