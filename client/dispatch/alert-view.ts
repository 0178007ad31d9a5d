import { t, type MessageKey } from '../i18n.ts'
import { tn } from '../wall/format.ts'
import { el, isOwnUrl } from './dom.ts'
import { when } from './detail-view.ts'

/** An open camera alert as the live `alerts` layer carries it (the fields the console shows). */
export interface OpenAlert {
  id: number
  cameraId: string
  type: string
  score: number | null
  startedAt: string
  state: 'new' | 'acknowledged' | 'filed' | 'dismissed'
  snapshotUrl: string | null
  gridCode: string | null
  lon: number | null
  lat: number | null
}

/** Alerts waiting for a person: new or acknowledged, newest first. */
export const isUndecided = (a: OpenAlert): boolean => a.state === 'new' || a.state === 'acknowledged'

export function alertType(type: string): string {
  return t(`wall.alertType.${type}` as MessageKey) ?? type
}

export function renderAlerts(list: HTMLElement, alerts: readonly OpenAlert[], selectedId: number | null, cameraName: (id: string) => string, placeOf: (grid: string | null) => string): void {
  list.replaceChildren(
    ...alerts.map((a) => {
      const row = el('li', 'case-row alert-row')
      row.dataset.alertId = String(a.id)
      if (a.id === selectedId) row.classList.add('selected')
      const top = el('div', 'row-top')
      top.append(el('span', 'alert-badge', t('wall.takeover.alert')), el('span', 'case-id', `#${a.id}`), el('span', 'cat', alertType(a.type)))
      if (a.score !== null) top.append(el('span', 'score', tn('dispatch.alert.score', Math.round(a.score * 100))))
      top.append(el('span', 'alert-time', when(a.startedAt)))
      const bottom = el('div', 'row-bottom')
      bottom.append(el('span', `state a-${a.state}`, t(`wall.alertState.${a.state === 'acknowledged' ? 'acknowledged' : 'new'}`)), el('span', 'place', `${cameraName(a.cameraId)} · ${placeOf(a.gridCode)}`))
      row.append(top, bottom)
      return row
    }),
  )
}

/** The selected alert: what the camera saw, and that a person decides. */
export function renderAlertDetail(root: HTMLElement, a: OpenAlert, cameraName: string, place: string): void {
  const head = el('header', 'detail-head')
  const title = el('div', 'detail-title')
  title.append(el('span', 'alert-badge', t('wall.takeover.alert')), el('strong', '', `#${a.id} ${alertType(a.type)}`))
  if (a.score !== null) title.append(el('span', 'score', tn('dispatch.alert.score', Math.round(a.score * 100))))
  head.append(title)
  const dl = el('dl', 'facts')
  for (const [k, v] of [
    ['wall.takeover.camera', cameraName],
    ['dispatch.grid', place],
    ['dispatch.alert.started', when(a.startedAt)],
  ] as Array<[MessageKey, string]>) dl.append(el('dt', '', t(k)), el('dd', '', v))
  head.append(dl, el('p', 'warning', t('wall.takeover.humanConfirm')))
  const parts: HTMLElement[] = [head]
  if (a.snapshotUrl && isOwnUrl(a.snapshotUrl)) {
    const s = el('section', 'detail-section')
    const img = el('img', 'alert-snapshot')
    img.src = a.snapshotUrl
    img.alt = t('dispatch.photo.snapshot')
    s.append(el('h3', '', t('dispatch.photo.snapshot')), img)
    parts.push(s)
  }
  root.replaceChildren(...parts)
}
