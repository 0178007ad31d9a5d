import type { CaseDetail, CaseLiveEvent, CaseSummary } from '../../geo/cases/case-record.ts'
import { CASE_STATES, OPEN_CASE_STATES, type CaseState } from '../../geo/cases/case-states.ts'
import { UNIT_STATUS_MOVES, type UnitStatus } from '../../geo/cases/unit-status.ts'
import { lang, t, translatePage, type MessageKey } from '../i18n.ts'
import { GRID_LEVELS, type GridLevel, type Grids } from '../map/grid-layers.ts'
import { areaName, hhmmss, tn } from '../wall/format.ts'
import { LiveFeed, type LiveEvent, type LiveLayer, type SocketState, type SyncNote, type UnitFrame } from '../wall/live-feed.ts'
import { STATUS_COLORS } from '../wall/unit-store.ts'
import { alertType, isUndecided, renderAlertDetail, renderAlerts, type OpenAlert } from './alert-view.ts'
import { renderCandidates, type Candidate, type CandidateNotice } from './candidate-view.ts'
import { CaseMap, type MapUnit } from './case-map.ts'
import { renderDetail } from './detail-view.ts'
import { el } from './dom.ts'
import { FormDialog, type SubmitOutcome } from './form-dialog.ts'
import { api, ApiError, whenUnauthenticated } from './http.ts'
import { loginUrl } from '../session.ts'
import { applyChange, matchesText, queueQuery, type QueueFilter } from './queue.ts'
import { categoryLabel, renderQueue, stateLabel, tickCountdowns } from './queue-view.ts'
import { commandFor, SHORTCUTS, type Command } from './shortcuts.ts'
import { alertFields, formAllowed, formBody, stepBody, stepFields, type AlertForm, type Field, type StepForm } from './step-forms.ts'

/** Read by the browser tests as `window.__gridwatch`. */
export interface DispatchProbe {
  ready: boolean
  error?: string
  /** Which list the keys work on. */
  mode: Mode
  /** Case ids in the queue as shown, top first. */
  queue: number[]
  /** Undecided camera alert ids, newest first. */
  alerts: number[]
  selectedAlert: number | null
  selected: number | null
  /** The selected case's state as last loaded; null while it loads. */
  selectedState: string | null
  /** Unit ids of the ranked candidates, best first. */
  candidates: string[]
  banner: { kind: BannerKind; text: string } | null
  socket: SocketState
  loggedOut: boolean
  /** The map has stopped moving and drawn what is in view (tests take screenshots then). */
  mapIdle: boolean
}

type BannerKind = 'ok' | 'conflict' | 'error' | 'info'
type Mode = 'cases' | 'alerts'

const probe: DispatchProbe = {
  ready: false, mode: 'cases', queue: [], alerts: [], selectedAlert: null, selected: null, selectedState: null, candidates: [], banner: null, socket: 'connecting', loggedOut: false, mapIdle: false,
}
;(window as unknown as { __gridwatch: DispatchProbe }).__gridwatch = probe

const RECOMMEND_ROLES = ['dispatcher', 'supervisor', 'admin']
const CANDIDATES = 5

translatePage()
document.title = `${t('page.dispatch')} · ${t('app.name')}`
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T
const status = $('status')
const bannerEl = $('banner')

// A session that ends sends the dispatcher to the login page, which comes back here afterwards (as the page gate does).
whenUnauthenticated(() => {
  // Several reads fail at once when a session ends: one redirect.
  if (probe.loggedOut) return
  probe.loggedOut = true
  status.hidden = false
  status.className = 'page-status error'
  status.textContent = t('dispatch.loggedOut')
  location.assign(loginUrl())
})

main().catch((err: Error) => {
  probe.error = err.message
  if (probe.loggedOut) return
  status.hidden = false
  status.className = 'page-status error'
  status.textContent = `${t('dispatch.error')}: ${err.message}`
  console.error(err)
})

async function main(): Promise<void> {
  const me = await api<{ username: string; role: string }>('GET', '/api/v1/auth/me')
  $('me').textContent = `${me.username} · ${me.role}`
  const [tileJson, [street, community, grid], catalogue, departmentList, cameras] = await Promise.all([
    api<{ bounds: [number, number, number, number]; minzoom: number }>('GET', '/basemap/tiles.json'),
    Promise.all(GRID_LEVELS.map((level) => api<Grids>('GET', `/api/v1/grids?level=${level}`))),
    api<{ categories: Array<{ code: string; nameZh: string; nameEn: string }> }>('GET', '/api/v1/categories'),
    api<{ departments: Array<{ code: string; name: string; nameEn: string | null }> }>('GET', '/api/v1/departments'),
    // Camera names for the alert list; without them the ids are shown.
    api<{ features: Array<{ properties: { id: string; name: string; nameEn?: string | null } }> }>('GET', '/api/v1/cameras').catch(() => ({ features: [] })),
  ])
  const cameraNames = new Map(cameras.features.map((f) => [f.properties.id, areaName(f.properties)]))
  const cameraName = (id: string) => cameraNames.get(id) ?? id
  const areas: Record<GridLevel, Grids> = { street, community, grid }
  const areaByCode = new Map([...street.features, ...community.features, ...grid.features].map((f) => [f.properties.code, f.properties]))
  const categories = catalogue.categories.map((c) => ({ code: c.code, name: lang === 'en' ? c.nameEn : c.nameZh }))
  const departments = departmentList.departments.map((d) => ({ code: d.code, name: lang === 'en' ? (d.nameEn ?? d.name) : d.name }))
  const departmentNames = new Map(departments.map((d) => [d.code, d.name]))
  const departmentName = (code: string) => departmentNames.get(code) ?? code
  const canRecommend = RECOMMEND_ROLES.includes(me.role)

  // ---------- state ----------
  const filter: QueueFilter = { states: [], category: '', area: '', text: '' }
  let queue: CaseSummary[] = []
  let selectedId: number | null = null
  let detail: CaseDetail | null = null
  let candidates: Candidate[] = []
  let candidateNotice: CandidateNotice | null = 'notAssignable'
  /** Candidates another dispatcher took since the list was made (they stay listed, struck through, until it refreshes). */
  const taken = new Set<string>()
  let highlighted = 0
  let mode: Mode = 'cases'
  let alerts: OpenAlert[] = []
  let selectedAlertId: number | null = null
  let busy = false
  let loadToken = 0
  const units = new Map<string, MapUnit & { hasFix: boolean }>()
  let unitsVersion = 0
  let unitsDirty = false

  // ---------- map ----------
  const caseMap = await CaseMap.open($('map'), areas, tileJson)
  caseMap.map.on('idle', () => (probe.mapIdle = true))
  caseMap.map.on('movestart', () => (probe.mapIdle = false))
  renderLegend()

  const gridPlace = (gridCode: string | null): string => {
    const g = gridCode ? areaByCode.get(gridCode) : undefined
    if (!g) return gridCode ?? '—'
    const s = areaByCode.get(gridCode!.slice(0, 9))
    return s ? `${areaName(s, true)} · ${areaName(g, true)}` : areaName(g, true)
  }
  const placeOf = (c: CaseSummary): string => gridPlace(c.gridCode)

  // ---------- filters ----------
  const textInput = $<HTMLInputElement>('filter-text')
  textInput.placeholder = t('dispatch.filter.text')
  fillSelect($<HTMLSelectElement>('filter-state'), [['', t('dispatch.filter.open')], ...CASE_STATES.map((s) => [s, stateLabel(s)] as [string, string])])
  fillSelect($<HTMLSelectElement>('filter-category'), [['', t('dispatch.filter.allCategories')], ...categories.map((c) => [c.code, `${c.code} ${c.name}`] as [string, string])])
  fillSelect(
    $<HTMLSelectElement>('filter-street'),
    [['', t('dispatch.filter.allStreets')], ...[...street.features].sort((a, b) => a.properties.code.localeCompare(b.properties.code)).map((f) => [f.properties.code, areaName(f.properties)] as [string, string])],
  )
  $('filters').addEventListener('change', (e) => {
    const target = e.target as HTMLSelectElement
    if (target.id === 'filter-state') filter.states = target.value ? [target.value as CaseState] : []
    if (target.id === 'filter-category') filter.category = target.value
    if (target.id === 'filter-street') filter.area = target.value
    void loadQueue()
  })
  textInput.addEventListener('input', () => {
    filter.text = textInput.value
    drawQueue()
  })
  textInput.addEventListener('keydown', (e) => {
    // Enter leaves the filter with its text, so j/k move through what it left.
    if (e.key === 'Enter') textInput.blur()
  })

  // ---------- queue ----------
  const queueEl = $('queue')
  const visible = () => queue.filter((c) => matchesText(c, filter.text))
  function drawQueue(): void {
    const list = visible()
    renderQueue(queueEl, list, selectedId, placeOf, (id) => units.get(id)?.callsign ?? id, serverNow())
    $('queue-count').textContent = tn('dispatch.count', list.length)
    probe.queue = list.map((c) => c.id)
  }
  queueEl.addEventListener('click', (e) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('.case-row')
    if (row) select(Number(row.dataset.caseId))
  })
  async function loadQueue(): Promise<void> {
    try {
      const { cases } = await api<{ cases: CaseSummary[] }>('GET', `/api/v1/cases?${queueQuery(filter)}`)
      queue = cases
      drawQueue()
    } catch (err) {
      // A session that ended has its own message; anything else is said in the banner and the old list stays.
      if (!(err instanceof ApiError && err.status === 401)) showBanner('error', (err as Error).message)
    }
  }

  // ---------- camera alerts ----------
  const alertsEl = $('alerts')
  function drawAlerts(): void {
    renderAlerts(alertsEl, alerts, selectedAlertId, cameraName, gridPlace)
    $('alert-count').textContent = String(alerts.length)
    probe.alerts = alerts.map((a) => a.id)
  }
  alertsEl.addEventListener('click', (e) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('.alert-row')
    if (row) selectAlert(Number(row.dataset.alertId))
  })
  const selectedAlert = () => alerts.find((a) => a.id === selectedAlertId) ?? null

  function selectAlert(id: number): void {
    selectedAlertId = id
    probe.selectedAlert = id
    drawAlerts()
    alertsEl.querySelector(`[data-alert-id="${id}"]`)?.scrollIntoView({ block: 'nearest' })
    showSelection()
    caseMap.fit()
  }

  function setMode(m: Mode): void {
    mode = m
    probe.mode = m
    queueEl.hidden = m !== 'cases'
    alertsEl.hidden = m !== 'alerts'
    for (const tab of document.querySelectorAll<HTMLElement>('.tab')) tab.classList.toggle('active', tab.dataset.mode === m)
    showSelection()
  }
  for (const tab of document.querySelectorAll<HTMLElement>('.tab')) tab.addEventListener('click', () => setMode(tab.dataset.mode as Mode))

  /** The right pane and the map follow the list the keys work on. */
  function showSelection(): void {
    if (mode === 'alerts') {
      const a = selectedAlert()
      caseMap.update({ selected: a && a.lon !== null && a.lat !== null ? { lon: a.lon, lat: a.lat, priority: 2 } : null, candidates: [], highlighted: null })
    } else {
      const c = detail?.case ?? queue.find((x) => x.id === selectedId)
      caseMap.update({ selected: c ? { lon: c.lon, lat: c.lat, priority: c.priority } : null })
      drawCandidates()
    }
    drawDetail()
  }

  function openAlertForm(form: AlertForm): void {
    const a = selectedAlert()
    if (!a) return showBanner('info', t('dispatch.pickAlert'))
    const fields = alertFields(form, categories)
    const title = t(form === 'file' ? 'dispatch.alert.file' : 'dispatch.alert.dismiss')
    dialog.open(title, `#${a.id} ${alertType(a.type)} · ${cameraName(a.cameraId)}`, fields, async (values) => {
      const out = formBody(fields, values)
      if ('missing' in out) return out
      try {
        const res = await api<CaseSummary | { id: number }>('POST', `/api/v1/camera-alerts/${a.id}/${form}`, out.body)
        alerts = alerts.filter((x) => x.id !== a.id)
        selectedAlertId = null
        probe.selectedAlert = null
        drawAlerts()
        if ('state' in res) {
          // The new case, filed for approval, is where the dispatcher goes next.
          queue = applyChange(queue, res, filter, OPEN_CASE_STATES)
          filter.text = ''
          textInput.value = ''
          setMode('cases')
          select(res.id)
          showBanner('ok', tn('dispatch.alert.filed', `#${res.id}`))
        } else {
          showSelection()
          showBanner('ok', tn('dispatch.form.done', title))
        }
        return { ok: true }
      } catch (err) {
        return refusal(err)
      }
    })
  }

  // ---------- the selected case ----------
  function select(id: number): void {
    if (id === selectedId) return
    selectedId = id
    probe.selected = id
    probe.selectedState = null
    detail = null
    candidates = []
    taken.clear()
    highlighted = 0
    candidateNotice = 'loading'
    drawQueue()
    queueEl.querySelector(`[data-case-id="${id}"]`)?.scrollIntoView({ block: 'nearest' })
    const summary = queue.find((c) => c.id === id)
    if (summary) caseMap.update({ selected: { lon: summary.lon, lat: summary.lat, priority: summary.priority }, candidates: [], highlighted: null })
    drawCandidates()
    void loadCase(true)
  }

  /** Reads the selected case again, and its candidates when it can take a unit; `fit` frames them on the map. */
  async function loadCase(fit: boolean): Promise<void> {
    const id = selectedId
    if (id === null) return
    const token = ++loadToken
    const d = await api<CaseDetail>('GET', `/api/v1/cases/${id}`).catch((err: Error) => {
      if (token === loadToken && !(err instanceof ApiError && err.status === 401)) showBanner('error', err.message)
      return null
    })
    if (token !== loadToken || !d) return
    detail = d
    probe.selectedState = d.case.state
    queue = applyChange(queue, d.case, filter, OPEN_CASE_STATES)
    drawQueue()
    drawDetail()
    // In the alert list the map shows the alert; the case is drawn again on the way back.
    if (mode === 'cases') caseMap.update({ selected: { lon: d.case.lon, lat: d.case.lat, priority: d.case.priority } })
    if (fit && mode === 'cases') caseMap.fit()
    await loadCandidates(token, fit)
  }

  async function loadCandidates(token: number, fit: boolean): Promise<void> {
    $('cand-meta').textContent = ''
    if (!detail || !canRecommend || !detail.allowedActions.includes('assign')) {
      candidates = []
      candidateNotice = 'notAssignable'
    } else {
      try {
        const ranked = await api<Candidate[]>('GET', `/api/v1/dispatch/recommend?case=${detail.case.id}&n=${CANDIDATES}`)
        if (token !== loadToken) return
        candidates = ranked
        candidateNotice = candidates.length ? null : 'none'
        // Units without a road route are listed last with no ETA: if no unit has one, the order is by straight line.
        if (candidates.length) $('cand-meta').textContent = t(candidates.some((c) => c.etaSeconds !== null) ? 'dispatch.candidates.byRoad' : 'dispatch.candidates.byStraight')
      } catch {
        if (token !== loadToken) return
        candidates = []
        candidateNotice = 'error'
      }
    }
    taken.clear()
    highlighted = Math.min(highlighted, Math.max(0, candidates.length - 1))
    drawCandidates()
    if (fit && mode === 'cases') caseMap.fit()
  }

  function drawCandidates(): void {
    renderCandidates($('candidates'), candidates, highlighted, candidateNotice, taken)
    probe.candidates = candidates.map((c) => c.unitId)
    if (mode !== 'cases') return
    caseMap.update({
      candidates: candidates.map((c, i) => ({ unitId: c.unitId, rank: i + 1, lon: c.lon, lat: c.lat, route: c.route?.coordinates ?? null })),
      highlighted: candidates[highlighted]?.unitId ?? null,
    })
  }
  $('candidates').addEventListener('click', (e) => {
    const row = (e.target as HTMLElement).closest<HTMLElement>('.cand')
    if (!row) return
    const i = candidates.findIndex((c) => c.unitId === row.dataset.unitId)
    if (i < 0) return
    if ((e.target as HTMLElement).closest('.rank')) void assign(i)
    else moveHighlight(i - highlighted)
  })

  function drawDetail(): void {
    const alert = mode === 'alerts' ? selectedAlert() : null
    const showing = mode === 'alerts' ? alert !== null : selectedId !== null
    const empty = $('case-empty')
    empty.hidden = showing
    empty.textContent = t(mode === 'alerts' ? 'dispatch.pickAlert' : 'dispatch.pick')
    $('case-body').hidden = !showing
    $('candidates-box').hidden = mode === 'alerts'
    if (alert) {
      renderAlertDetail($('detail'), alert, cameraName(alert.cameraId), gridPlace(alert.gridCode))
      drawActions()
      return
    }
    if (mode === 'alerts' || !detail) return
    renderDetail($('detail'), detail, departmentName)
    drawActions()
    tickCountdowns($('detail'), serverNow())
  }

  /** The step buttons, with their keys; those the case's state (or the user's role) does not allow are greyed. */
  function drawActions(): void {
    const bar = $('actions')
    bar.replaceChildren()
    for (const s of SHORTCUTS) {
      const cmd = s.command
      let text: MessageKey
      let enabled: boolean
      if (mode === 'alerts') {
        // An alert is filed or dismissed; everything else happens to the case it becomes.
        if (cmd.kind !== 'form' || (cmd.form !== 'file' && cmd.form !== 'reject')) continue
        text = cmd.form === 'file' ? 'dispatch.alert.file' : 'dispatch.alert.dismiss'
        enabled = true
      } else if (cmd.kind === 'form') {
        text = `dispatch.form.${cmd.form}`
        enabled = detail !== null && formAllowed(cmd.form, detail.allowedActions)
      } else if (cmd.kind === 'unitStatus') {
        text = s.text
        enabled = activeAssignment() !== null
      } else {
        continue
      }
      const b = el('button', enabled ? 'action' : 'action disabled')
      b.type = 'button'
      b.disabled = !enabled
      b.append(el('kbd', '', s.label), document.createTextNode(` ${t(text)}`))
      b.addEventListener('click', () => run(cmd))
      bar.append(b)
    }
  }

  function moveHighlight(delta: number): void {
    if (!candidates.length) return
    highlighted = (highlighted + delta + candidates.length) % candidates.length
    drawCandidates()
  }

  // ---------- assignment ----------
  async function assign(index: number): Promise<void> {
    if (busy) return
    if (!detail) return showBanner('info', t(selectedId === null ? 'dispatch.pick' : 'dispatch.stillLoading'))
    if (!detail.allowedActions.includes('assign')) return showBanner('info', tn('dispatch.assign.notAllowed', stateLabel(detail.case.state)))
    const cand = candidates[index]
    if (!cand) return showBanner('info', tn('dispatch.assign.noCandidate', index + 1))
    const caseId = detail.case.id
    busy = true
    try {
      const summary = await api<CaseSummary>('POST', `/api/v1/cases/${caseId}/assign`, { unitId: cand.unitId })
      queue = applyChange(queue, summary, filter, OPEN_CASE_STATES)
      drawQueue()
      setUnitStatus(cand.unitId, 'dispatched')
      showBanner('ok', tn('dispatch.assign.done', `${cand.callsign} → #${caseId}`))
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        const text = err.code === 'unit_unavailable' ? tn('dispatch.assign.conflict', cand.callsign) : `${t('dispatch.conflict')}: ${err.message}`
        showBanner('conflict', `${text} ${t('dispatch.refreshed')}`)
        void loadQueue()
      } else if (!(err instanceof ApiError && err.status === 401)) {
        showBanner('error', (err as Error).message)
      }
    } finally {
      busy = false
    }
    await loadCase(false)
  }

  // ---------- workflow-step forms ----------
  const dialog = new FormDialog($('form-layer'))

  function openForm(form: StepForm): void {
    if (!detail) return showBanner('info', t(selectedId === null ? 'dispatch.pick' : 'dispatch.stillLoading'))
    if (!formAllowed(form, detail.allowedActions)) return showBanner('info', tn('dispatch.form.notAllowed', stateLabel(detail.case.state)))
    const fields = stepFields(form, { detail, categories, departments })
    const caseId = detail.case.id
    dialog.open(t(`dispatch.form.${form}` as MessageKey), `#${caseId} ${categoryLabel(detail.case)} · ${stateLabel(detail.case.state)}`, fields, async (values) => {
      const out = stepBody(form, fields, values)
      if ('missing' in out) return out
      return submitStep(`/api/v1/cases/${caseId}/${form}`, out.body, t(`dispatch.form.${form}` as MessageKey))
    })
  }

  function activeAssignment(): CaseDetail['assignments'][number] | null {
    return detail?.assignments.find((a) => !a.releasedAt && a.unitStatus !== 'available') ?? null
  }

  /** A unit's next status on its job (en route, on scene, cleared...), as the unit would report it. */
  function openUnitStatus(): void {
    const a = activeAssignment()
    if (!detail || !a) return showBanner('info', t('dispatch.unitStatus.none'))
    const next = UNIT_STATUS_MOVES[a.unitStatus].filter((s): s is Exclude<UnitStatus, 'dispatched'> => s !== 'dispatched')
    const fields: Field[] = [{
      name: 'status', kind: 'select', label: 'dispatch.field.unitStatus', required: true, value: next[0],
      options: next.map((s) => ({ value: s, label: `wall.status.${s}` as MessageKey })),
    }]
    dialog.open(t('dispatch.key.unitStatus'), `${a.callsign} · ${t(`wall.status.${a.unitStatus}` as MessageKey)}`, fields, (values) =>
      submitStep(`/api/v1/units/${encodeURIComponent(a.unitId)}/status`, { status: values.status }, t('dispatch.key.unitStatus')))
  }

  async function submitStep(url: string, body: Record<string, unknown>, what: string): Promise<SubmitOutcome> {
    try {
      const res = await api<CaseSummary | { unitId: string; to: string }>('POST', url, body)
      if ('state' in res) {
        queue = applyChange(queue, res, filter, OPEN_CASE_STATES)
        drawQueue()
      } else {
        setUnitStatus(res.unitId, res.to)
      }
      showBanner('ok', tn('dispatch.form.done', what))
      void loadCase(false)
      return { ok: true }
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) void loadCase(false)
      return refusal(err)
    }
  }

  /** The server's refusal of a form, on the fields it names. */
  function refusal(err: unknown): SubmitOutcome {
    if (!(err instanceof ApiError)) return { error: (err as Error).message, fields: {} }
    const fields = Object.fromEntries(err.details.map((d) => [d.path.replace(/^body\./, '').split('.')[0], d.message]))
    // Refusals the page has words for are said in its language; the rest as the server put them.
    const message = t(`dispatch.refused.${err.code}` as MessageKey) ?? err.message
    return { error: err.status === 409 ? `${t('dispatch.conflict')}: ${message}` : message, fields }
  }

  // ---------- banner, help, shortcuts ----------
  let bannerTimer: ReturnType<typeof setTimeout> | undefined
  function showBanner(kind: BannerKind, text: string): void {
    bannerEl.className = `banner ${kind}`
    bannerEl.textContent = text
    bannerEl.hidden = false
    probe.banner = { kind, text }
    clearTimeout(bannerTimer)
    // A conflict stays until the dispatcher has seen it (Esc or the next action); good news fades.
    if (kind !== 'conflict') bannerTimer = setTimeout(hideBanner, kind === 'ok' ? 6000 : 12_000)
  }
  function hideBanner(): void {
    bannerEl.hidden = true
    probe.banner = null
  }

  const help = $('help')
  const helpTable = $('help-table')
  for (const s of SHORTCUTS) {
    const tr = el('tr')
    const keys = el('td')
    keys.append(el('kbd', '', s.label))
    tr.append(keys, el('td', '', t(s.text)))
    helpTable.append(tr)
  }
  $('help-button').addEventListener('click', () => (help.hidden = !help.hidden))
  help.addEventListener('click', () => (help.hidden = true))
  $('shortcuts').replaceChildren(
    ...SHORTCUTS.map((s) => {
      const item = el('span', 'shortcut')
      item.append(el('kbd', '', s.label), document.createTextNode(t(s.text)))
      return item
    }),
  )

  function stepAlert(delta: 1 | -1): void {
    if (!alerts.length) return
    const at = alerts.findIndex((a) => a.id === selectedAlertId)
    const next = at < 0 ? (delta > 0 ? 0 : alerts.length - 1) : Math.min(alerts.length - 1, Math.max(0, at + delta))
    selectAlert(alerts[next].id)
  }

  function step(delta: 1 | -1): void {
    const list = visible()
    if (!list.length) return
    const at = list.findIndex((c) => c.id === selectedId)
    const next = at < 0 ? (delta > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, at + delta))
    select(list[next].id)
  }

  function run(cmd: Command): void {
    if (cmd.kind !== 'escape' && cmd.kind !== 'help' && !help.hidden) return
    if (mode === 'alerts') {
      if (cmd.kind === 'next' || cmd.kind === 'prev') return stepAlert(cmd.kind === 'next' ? 1 : -1)
      if (cmd.kind === 'form') {
        if (cmd.form === 'file' || cmd.form === 'reject') return openAlertForm(cmd.form === 'file' ? 'file' : 'dismiss')
        return showBanner('info', t('dispatch.alert.onlyFileDismiss'))
      }
      if (['assign', 'assignHighlighted', 'candidate', 'unitStatus'].includes(cmd.kind)) return showBanner('info', t('dispatch.alert.onlyFileDismiss'))
    }
    switch (cmd.kind) {
      case 'mode': return setMode(mode === 'cases' ? 'alerts' : 'cases')
      case 'next': return step(1)
      case 'prev': return step(-1)
      case 'filter': return textInput.focus()
      case 'help':
        help.hidden = !help.hidden
        return
      case 'escape':
        if (dialog.isOpen) return dialog.close()
        if (!help.hidden) {
          help.hidden = true
          return
        }
        if (document.activeElement instanceof HTMLElement) document.activeElement.blur()
        return hideBanner()
      case 'refresh':
        void loadQueue()
        void loadCase(false)
        return
      case 'fit': return caseMap.fit()
      case 'candidate': return moveHighlight(cmd.delta)
      case 'assign': return void assign(cmd.rank - 1)
      case 'assignHighlighted': return void assign(highlighted)
      case 'form': return openForm(cmd.form)
      case 'unitStatus': return openUnitStatus()
    }
  }

  document.addEventListener('keydown', (e) => {
    const target = e.target as HTMLElement
    const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || target.isContentEditable
    const cmd = commandFor(e, typing)
    if (!cmd) return
    // With a form open, keys belong to the form; only Escape closes it.
    if (dialog.isOpen && cmd.kind !== 'escape') return
    e.preventDefault()
    run(cmd)
  })

  // ---------- live ----------
  let reload = { queue: false, case: false }
  let reloadTimer: ReturnType<typeof setTimeout> | undefined
  /** Several changes in a burst cost one read. */
  function scheduleReload(what: Partial<typeof reload>): void {
    reload = { queue: reload.queue || !!what.queue, case: reload.case || !!what.case }
    clearTimeout(reloadTimer)
    reloadTimer = setTimeout(() => {
      const r = reload
      reload = { queue: false, case: false }
      if (r.queue) void loadQueue()
      if (r.case) void loadCase(false)
    }, 200)
  }

  function setUnitStatus(unitId: string, s: string): void {
    const u = units.get(unitId)
    if (!u || u.status === s) return
    u.status = s
    unitsDirty = true
  }

  /** Someone else's change took a unit this list offers: strike it through and fetch a fresh list. */
  function unitTaken(unitId: string): void {
    if (!candidates.some((c) => c.unitId === unitId)) return
    taken.add(unitId)
    drawCandidates()
    scheduleReload({ case: true })
  }

  const live = new LiveFeed(['units', 'cases', 'incidents', 'alerts'] satisfies LiveLayer[], {
    snapshot(layer: LiveLayer, rows: unknown, resync: boolean) {
      if (layer === 'units' && Array.isArray(rows)) {
        units.clear()
        for (const r of rows as Array<{ id: string; callsign: string; status: string; lon: number | null; lat: number | null }>) {
          units.set(r.id, { id: r.id, callsign: r.callsign, status: r.status, lon: r.lon ?? 0, lat: r.lat ?? 0, hasFix: r.lon !== null && r.lat !== null })
        }
        unitsDirty = true
        // Assigned units are named by callsign once the names are in.
        drawQueue()
      } else if (layer === 'alerts' && Array.isArray(rows)) {
        alerts = (rows as OpenAlert[]).filter(isUndecided).sort((a, b) => b.id - a.id)
        drawAlerts()
        if (mode === 'alerts') showSelection()
      } else if (resync) {
        // Back after a gap the server could not replay: whatever changed meanwhile is read afresh.
        scheduleReload({ queue: true, case: true })
      }
    },
    units(frame: UnitFrame) {
      for (const [id, lon, lat] of frame.moves) {
        const u = units.get(id)
        if (!u) continue
        u.lon = lon
        u.lat = lat
        u.hasFix = true
      }
      unitsDirty = true
    },
    event(layer: Exclude<LiveLayer, 'units'>, message: LiveEvent) {
      if (layer === 'incidents') return scheduleReload({ queue: true })
      if (layer === 'alerts') {
        const { alert } = message.event as { op: string; alert: OpenAlert }
        alerts = alerts.filter((a) => a.id !== alert.id)
        if (isUndecided(alert)) alerts = [alert, ...alerts].sort((a, b) => b.id - a.id)
        drawAlerts()
        // Decided by someone else meanwhile: the pane says so by going back to "pick one".
        if (alert.id === selectedAlertId && mode === 'alerts') showSelection()
        return
      }
      if (layer !== 'cases') return
      const e = message.event as CaseLiveEvent
      if (e.kind === 'unit_status') {
        setUnitStatus(e.unitId, e.status)
        if (e.status !== 'available') unitTaken(e.unitId)
        if (e.incidentId === selectedId) scheduleReload({ case: true })
        return
      }
      queue = applyChange(queue, e.case, filter, OPEN_CASE_STATES)
      drawQueue()
      if (e.action === 'assign' && e.case.assignedUnitId) {
        setUnitStatus(e.case.assignedUnitId, 'dispatched')
        if (e.case.id !== selectedId) unitTaken(e.case.assignedUnitId)
      }
      if (e.case.id === selectedId) scheduleReload({ case: true })
    },
    state(state: SocketState, note: SyncNote) {
      probe.socket = state
      const box = $('link-state')
      box.dataset.state = state
      const key = state === 'connected' ? (note === 'recovered' ? 'wall.state.recovered' : note === 'resynced' ? 'wall.state.resynced' : 'wall.state.connected') : state === 'reconnecting' ? 'wall.state.reconnecting' : 'wall.state.connecting'
      box.querySelector('span')!.textContent = `${t('wall.feeds.socket')} · ${t(key)}`
    },
  })
  const serverNow = () => live.serverNow()

  setInterval(() => {
    const now = serverNow()
    tickCountdowns(document, now)
    $('clock').textContent = hhmmss(new Date(now))
  }, 1000)
  // Positions arrive ten times a second; the map needs them a couple of times.
  setInterval(() => {
    if (!unitsDirty) return
    unitsDirty = false
    caseMap.update({ units: [...units.values()].filter((u) => u.hasFix), unitsVersion: ++unitsVersion })
  }, 500)

  await loadQueue()
  setMode('cases')
  status.hidden = true
  probe.ready = true
}

function fillSelect(select: HTMLSelectElement, options: Array<[string, string]>): void {
  select.replaceChildren(
    ...options.map(([value, label]) => {
      const o = el('option', '', label)
      o.value = value
      return o
    }),
  )
}

function renderLegend(): void {
  const box = document.getElementById('map-legend')!
  const items: Array<[string, string]> = (['available', 'dispatched', 'en_route', 'on_scene'] as const).map((s) => [`rgb(${STATUS_COLORS[s].slice(0, 3).join(',')})`, t(`wall.status.${s}`)])
  box.replaceChildren(
    ...items.map(([color, text]) => {
      const item = el('span', 'legend-item')
      const dot = el('i')
      dot.style.background = color
      item.append(dot, document.createTextNode(text))
      return item
    }),
    (() => {
      const item = el('span', 'legend-item')
      item.append(el('i', 'legend-route'), document.createTextNode(t('dispatch.legend.route')))
      return item
    })(),
  )
}
