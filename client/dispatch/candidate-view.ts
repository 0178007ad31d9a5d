import { lang, t } from '../i18n.ts'
import { tn } from '../wall/format.ts'
import { el } from './dom.ts'
import type { Recommendation as RankedUnit } from '../../geo/dispatch/rank-candidates.ts'

/** One ranked unit from GET /api/v1/dispatch/recommend (a bare array, best first), as geo ranks it. */
export type Candidate = RankedUnit

export function duration(s: number): string {
  const m = Math.floor(s / 60)
  const sec = Math.round(s % 60)
  if (lang === 'zh') return m ? `${m}分${String(sec).padStart(2, '0')}秒` : `${sec}秒`
  return m ? `${m} min ${String(sec).padStart(2, '0')} s` : `${sec} s`
}

export function distance(m: number): string {
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(m < 10_000 ? 2 : 1)} km`
}

/** Chips that read well at a glance: green for the case's own grid, amber for doubts, red when there is no road. */
const CHIP_TONE: Record<string, string> = {
  own_grid: 'good',
  neighbouring_grid: 'info',
  stale_fix: 'warn',
  outside_radius: 'warn',
  no_road_route: 'bad',
}

export type CandidateNotice = 'loading' | 'none' | 'notAssignable' | 'error'

/** The ranked list: the key that assigns each, its callsign, road ETA and distance, straight distance and reasons. */
export function renderCandidates(list: HTMLElement, cands: readonly Candidate[], highlighted: number, notice: CandidateNotice | null, taken: ReadonlySet<string>): void {
  if (notice) {
    list.replaceChildren(el('li', `cand-notice ${notice}`, t(`dispatch.candidates.${notice}`)))
    return
  }
  list.replaceChildren(
    ...cands.map((c, i) => {
      const row = el('li', 'cand')
      row.dataset.unitId = c.unitId
      if (i === highlighted) row.classList.add('highlighted')
      if (taken.has(c.unitId)) row.classList.add('taken')
      const key = el('kbd', 'rank', String(i + 1))
      const name = el('span', 'callsign', c.callsign)
      const eta = el('span', 'eta', c.etaSeconds === null ? '—' : duration(c.etaSeconds))
      const dist = el('span', 'dist', c.meters === null ? tn('dispatch.straight', distance(c.straightMeters)) : `${distance(c.meters)} · ${tn('dispatch.straight', distance(c.straightMeters))}`)
      const chips = el('span', 'chips')
      for (const r of c.reasons) chips.append(el('span', `chip ${CHIP_TONE[r.code] ?? 'info'}`, lang === 'en' ? r.en : r.zh))
      if (taken.has(c.unitId)) chips.append(el('span', 'chip bad', t('dispatch.candidates.taken')))
      row.append(key, name, eta, dist, chips)
      return row
    }),
  )
}
