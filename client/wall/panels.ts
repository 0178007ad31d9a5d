import { t, type MessageKey } from '../i18n.ts'
import { ago, clockDate, clockTime, formatInt, hhmm, tn } from './format.ts'
import { CLASS_COLORS, classLabel, EVALUATION_DAYS, MEASURE_SOURCE, MEASURES, RATE_BREAKS, RATE_COLORS, rateLabel, type MeasureId } from './measures.ts'
import { STALE_COLOR, STATUS_COLORS, type Rgba, type UnitStatus } from './unit-store.ts'
import { HEAT_COLORS, PRIORITY_COLORS } from './wall-layers.ts'

/** The side panels, drawn from plain values once a second (never per animation frame). */

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag)
  if (cls) e.className = cls
  if (text !== undefined) e.textContent = text
  return e
}

const css = (c: Rgba) => `rgb(${c[0]} ${c[1]} ${c[2]} / ${(c[3] / 255).toFixed(2)})`

// ---------- clock ----------

export function renderClock(now: Date): void {
  $('clock-time').textContent = clockTime(now)
  $('clock-date').textContent = clockDate(now)
}

// ---------- KPIs ----------

export interface Kpi {
  key: MessageKey
  value: number | null
  /** The value already formatted (a duration, a rate); otherwise `value` as an integer. */
  text?: string
  sub?: string
  /** How the figure is made, shown on hover and kept in the page for anyone who inspects it. */
  title?: string
  tone?: 'ok' | 'warn' | 'alarm'
}

export function renderKpis(kpis: Kpi[]): void {
  const box = $('kpis')
  if (box.children.length !== kpis.length) {
    box.replaceChildren(
      ...kpis.map(() => {
        const d = el('div', 'kpi')
        d.append(el('span', 'label'), el('strong', 'value'), el('span', 'sub'))
        return d
      }),
    )
  }
  kpis.forEach((k, i) => {
    const d = box.children[i] as HTMLElement
    d.className = `kpi${k.value === null ? ' na' : k.tone ? ` tone-${k.tone}` : ''}`
    d.dataset.kpi = k.key
    d.children[0].textContent = t(k.key)
    d.children[1].textContent = k.text ?? (k.value === null ? '—' : formatInt(k.value))
    d.children[2].textContent = k.sub ?? ''
    if (k.title) d.title = k.title
    else d.removeAttribute('title')
  })
}

// ---------- ticker ----------

export interface TickerItem {
  at: Date
  kind: 'incident' | 'alert' | 'case' | 'system'
  /** 1-4 for incidents. */
  priority?: number
  tag: string
  text: string
}

const MAX_TICKER = 14

export function pushTicker(item: TickerItem): void {
  const list = $('ticker')
  list.querySelector('.empty')?.remove()
  const li = el('li')
  li.dataset.kind = item.kind
  const tag = el('span', `tag ${item.kind === 'incident' ? `p${item.priority ?? 4}` : item.kind}`, item.tag)
  const what = el('span', 'what')
  what.append(tag, document.createTextNode(item.text))
  li.append(el('time', undefined, hhmm(item.at)), what)
  list.prepend(li)
  while (list.children.length > MAX_TICKER) list.lastElementChild!.remove()
}

export function tickerEmpty(): void {
  const list = $('ticker')
  if (list.children.length === 0) list.append(el('li', 'empty', t('wall.ticker.empty')))
}

// ---------- league ----------

export interface LeagueRow {
  code: string
  name: string
  units: number
  incidents1h: number | null
  open: number | null
  overdue: number | null
  /** Closed cases over the evaluation window that kept every limit, as a share; null without closed cases. */
  onTimeRate: number | null
}

export function renderLeague(rows: LeagueRow[], sortedBy: string, current: string | null): void {
  $('league-sort').textContent = sortedBy
  const body = $('league').querySelector('tbody')!
  const max = (k: 'units' | 'incidents1h' | 'open') => Math.max(1, ...rows.map((r) => r[k] ?? 0))
  const top = { units: max('units'), incidents1h: max('incidents1h'), open: max('open') }
  const cell = (v: number | null, k?: keyof typeof top, late = false) => {
    const td = el('td', undefined, v === null ? '—' : formatInt(v))
    if (v === 0 || v === null) td.className = 'zero'
    else if (late) td.className = 'late'
    else if (k && v >= top[k] && top[k] > 1) td.className = 'hot'
    return td
  }
  body.replaceChildren(
    ...rows.map((r) => {
      const tr = el('tr', r.code === current ? 'current' : undefined)
      tr.dataset.code = r.code
      const rate = el('td', r.onTimeRate === null ? 'zero' : r.onTimeRate < RATE_BREAKS[1] ? 'late' : undefined, r.onTimeRate === null ? '—' : `${Math.round(r.onTimeRate * 100)}%`)
      tr.append(el('td', undefined, r.name), cell(r.units, 'units'), cell(r.incidents1h, 'incidents1h'), cell(r.open, 'open'), cell(r.overdue, undefined, true), rate)
      return tr
    }),
  )
}

// ---------- feed health ----------

export type Health = 'ok' | 'warn' | 'down' | 'idle' | 'na'

export interface FeedRow {
  id: string
  name: string
  health: Health
  detail: string
}

export function renderFeeds(rows: FeedRow[], sources: FeedRow[]): void {
  fill($('feeds'), rows)
  const box = $('sources')
  box.hidden = sources.length === 0
  fill($('sources-list'), sources)
}

function fill(list: HTMLElement, rows: FeedRow[]): void {
  if (list.children.length !== rows.length) {
    list.replaceChildren(
      ...rows.map(() => {
        const li = el('li')
        li.append(el('i'), el('span', 'name'), el('span', 'age'))
        return li
      }),
    )
  }
  rows.forEach((r, i) => {
    const li = list.children[i] as HTMLElement
    li.dataset.feed = r.id
    li.dataset.health = r.health
    li.children[1].textContent = r.name
    li.children[2].textContent = r.detail
  })
}

/** A live layer's freshness: how old its last message is, judged against how often it should speak. */
export function layerHealth(lastAt: number | null, now: number, expectEveryMs: number | null): { health: Health; detail: string } {
  if (lastAt === null) return { health: 'idle', detail: t('wall.feed.never') }
  const age = now - lastAt
  if (expectEveryMs === null) return { health: 'ok', detail: ago(age) }
  return { health: age < expectEveryMs ? 'ok' : age < expectEveryMs * 4 ? 'warn' : 'idle', detail: ago(age) }
}

// ---------- legend ----------

export function renderLegend(opts: {
  measure: MeasureId
  available: (m: MeasureId) => boolean
  breaks: number[]
  onPick: (m: MeasureId) => void
  showFill: boolean
  /** The on-time rate's formula, in the page's language. */
  formula?: string
}): void {
  const box = $('legend')
  const measures = el('div', 'row')
  measures.append(el('b', undefined, t('wall.legend.title')))
  for (const m of MEASURES) {
    const ok = opts.available(m)
    const chip = el('span', `chip${m === opts.measure ? ' on' : ''}${ok ? '' : ' off'}`, t(`wall.measure.${m}` as MessageKey))
    chip.dataset.measure = m
    if (!ok && MEASURE_SOURCE[m]) chip.title = t(`wall.measure.unavailable.${MEASURE_SOURCE[m]}` as MessageKey)
    if (ok) chip.addEventListener('click', () => opts.onPick(m))
    measures.append(chip)
  }
  const scale = el('div', 'row')
  if (!opts.showFill) {
    scale.append(el('b', undefined, t('wall.legend.heat')), document.createTextNode(t('wall.legend.low')))
    const ramp = el('s', 'ramp')
    ramp.style.background = `linear-gradient(90deg, ${HEAT_COLORS.map((c) => `rgb(${c.join(' ')})`).join(', ')})`
    scale.append(ramp, document.createTextNode(t('wall.legend.high')))
  }
  if (opts.showFill) {
    const rates = opts.measure === 'onTimeRate'
    ;(rates ? RATE_COLORS : CLASS_COLORS).forEach((c, k) => {
      const sw = el('span', 'swatch')
      const s = el('s')
      s.style.background = css(c)
      sw.append(s, document.createTextNode(rates ? rateLabel(k) : classLabel(k, opts.breaks)))
      scale.append(sw)
    })
  }
  // The score is published with its formula and window, so whoever reads the wall can check it.
  const formula = opts.showFill && opts.measure === 'onTimeRate' ? [el('div', 'row formula', `${opts.formula ?? ''} · ${tn('wall.legend.lastDays', EVALUATION_DAYS)}`)] : []
  const units = el('div', 'row')
  units.append(el('b', undefined, t('wall.legend.units')))
  for (const s of ['available', 'dispatched', 'en_route', 'on_scene', 'out_of_service'] as UnitStatus[]) {
    const sw = el('span', 'swatch')
    const dot = el('i', 'unit-dot')
    dot.style.background = css(STATUS_COLORS[s])
    sw.append(dot, document.createTextNode(t(`wall.status.${s}` as MessageKey)))
    units.append(sw)
  }
  const stale = el('span', 'swatch')
  const sdot = el('i', 'unit-dot stale')
  sdot.style.borderColor = css(STALE_COLOR)
  stale.append(sdot, document.createTextNode(t('wall.status.stale')))
  units.append(stale)
  const incidents = el('div', 'row')
  incidents.append(el('b', undefined, t('wall.legend.incidents')))
  for (const p of [1, 2, 3, 4]) {
    const sw = el('span', 'swatch')
    const tri = el('i', 'tri')
    tri.style.background = css(PRIORITY_COLORS[p])
    sw.append(tri, document.createTextNode(`P${p}`))
    incidents.append(sw)
  }
  const late = el('span', 'swatch')
  late.append(el('i', 'tri late'), document.createTextNode(t('wall.legend.overdue')))
  incidents.append(late)
  box.replaceChildren(measures, scale, ...formula, incidents, units)
}

// ---------- link state ----------

export function renderLinkState(state: string, label: string): void {
  const box = $('link-state')
  box.dataset.state = state
  box.querySelector('span')!.textContent = label
}

export { tn }
