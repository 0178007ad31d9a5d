import { mkdirSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CASE_STATE_LABELS, type CaseState } from '../../geo/cases/case-states.ts'
import { launchBrowser, openWatchedPage, type WatchedPage } from '../../server/testing/browser.ts'
import { startDemoServer } from '../../server/testing/demo-server.ts'
import { snapshotJpeg } from '../wall/test-support/camera-fixtures.ts'
import type { DispatchProbe } from './main.ts'
import { selectByKeys, waitReady } from './test-support/console-keys.ts'

const ARTIFACTS = 'test-artifacts'

/** Reads the page's probe inside page functions (set up by `waitReady`). */
declare function probe(): DispatchProbe

/*
 * One case through the whole closed loop on the console, each step by the person whose step it is: the seat
 * (dispatcher) files, dispatches, records the department's handling and closes; the shift leader (supervisor)
 * approves, extends the deadline, fails the first verification and, on patrol, reports the second repair back;
 * a second supervisor verifies it, after the first was refused for verifying their own report. The grid worker
 * handles and reports back the first time through the API, as the mobile app does: the console is not the grid
 * worker's tool. Every step is checked in the database (state and the event's actor and step) and on screen
 * without a reload.
 */
describe('the closed loop on the dispatch console', () => {
  let server: Awaited<ReturnType<typeof startDemoServer>>
  let browser: Browser
  let photos: Server
  let photoBase: string
  let desk: WatchedPage
  let lead: WatchedPage
  const people = { desk: 'seat-1', lead: 'leader-1', second: 'leader-2', grid: 'gridworker-1' }
  const tokens: Record<keyof typeof people, string> = { desk: '', lead: '', second: '', grid: '' }
  let caseId = 0
  const department = { code: '', name: '' }

  const call = async (method: string, path: string, body: unknown, headers: Record<string, string>) => {
    const res = await fetch(`${server.url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
    const json = await res.json()
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`)
    return json as { id: number }
  }
  const asGridWorker = (step: string, body: unknown) =>
    call('POST', `/api/v1/cases/${caseId}/${step}`, body, { authorization: `Bearer ${tokens.grid}` })

  /** The case's row and its newest event, as stored. */
  async function stored() {
    const c = await server.db.query<{ state: string; deadline: Date | null; reopens: number }>(
      'SELECT state, deadline_at AS deadline, reopen_count AS reopens FROM incident WHERE id = $1', [caseId])
    const e = await server.db.query<{ step: string; actor: string; fromState: string; toState: string; note: string | null; attributes: Record<string, unknown> }>(
      `SELECT step, actor, from_state AS "fromState", to_state AS "toState", note, attributes FROM case_event
       WHERE incident_id = $1 ORDER BY id DESC LIMIT 1`, [caseId])
    return { ...c.rows[0], event: e.rows[0] }
  }

  /** The step was stored as done by that person, and the page shows the state without having reloaded. */
  async function expectStep(page: Page, step: string, actor: string, state: CaseState) {
    const s = await stored()
    expect(s.state).toBe(state)
    expect(s.event).toMatchObject({ step, actor, toState: state })
    await page.waitForFunction(([id, st]) => probe().selected === id && probe().selectedState === st, [caseId, state] as const, { timeout: 15_000 })
    // A step that keeps the state (an extension) changes only the history: wait for its line, not just the state.
    await page.waitForFunction((sp) => [...document.querySelectorAll('#detail .history li')].at(-1)?.getAttribute('data-step') === sp, step, { timeout: 15_000 })
    expect(await page.locator('#detail .detail-head .state').innerText()).toBe(CASE_STATE_LABELS[state].zh)
    expect(await page.locator('#detail .history li').last().getAttribute('data-step')).toBe(step)
    expect(await page.evaluate(() => (window as unknown as { loopMark?: boolean }).loopMark)).toBe(true)
    return s
  }

  /** The step's key opens its form (titled in Chinese); the form is photographed, if `shot` names a file, once filled by `fill`. */
  async function stepForm(page: Page, key: string, title: string, shot: string | null, fill: () => Promise<void>) {
    await page.keyboard.press(key)
    await page.waitForSelector('#form-layer:not([hidden]) .step-form')
    expect(await page.locator('.step-form h2').innerText()).toBe(title)
    expect(await page.locator('.step-form .form-sub').innerText()).toContain(`#${caseId}`)
    await fill()
    if (shot) await page.screenshot({ path: `${ARTIFACTS}/${shot}` })
  }
  const submit = async (page: Page) => {
    await page.keyboard.press('Control+Enter')
    await page.waitForSelector('#form-layer', { state: 'hidden', timeout: 15_000 })
  }
  const field = (page: Page, name: string) => page.locator(`.step-form [name="${name}"]`)

  async function openConsole(who: keyof typeof people): Promise<WatchedPage> {
    const w = await openWatchedPage(browser)
    await w.page.goto(`${server.url}/dispatch?token=${tokens[who]}`)
    await waitReady(w.page)
    // Gone after any reload: every check that the page kept up without one looks for it.
    await w.page.evaluate(() => Object.assign(window, { loopMark: true }))
    await w.page.waitForFunction(() => probe().socket === 'connected')
    return w
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    ;[server, browser] = await Promise.all([startDemoServer('pglite'), launchBrowser()])
    const city = (await server.db.query<{ code: string }>(`SELECT code FROM admin_area WHERE level = 'city'`)).rows[0].code
    const roles = { desk: 'dispatcher', lead: 'supervisor', second: 'supervisor', grid: 'grid_worker' } as const
    for (const who of Object.keys(people) as Array<keyof typeof people>) {
      tokens[who] = (await server.user({ role: roles[who], areas: [city], username: people[who] })).token
    }
    // Where photos live once uploaded (the report-back API takes their URLs): one small JPEG made here.
    const jpeg = snapshotJpeg('现场照片 处置后', 7)
    photos = createServer((req, res) => {
      res.writeHead(req.url?.endsWith('.jpg') ? 200 : 404, { 'content-type': 'image/jpeg' }).end(jpeg)
    })
    await new Promise<void>((resolve) => photos.listen(0, '127.0.0.1', resolve))
    photoBase = `http://127.0.0.1:${(photos.address() as AddressInfo).port}/photos`

    // The demo catalogue's street lamp, whose department is the municipal works.
    Object.assign(department, (await server.db.query<{ code: string; name: string }>(
      `SELECT o.code, o.name FROM category c JOIN org o ON o.code = c.department_code WHERE c.code = 'PT-0107'`,
    )).rows[0])
    const spot = (await server.db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM admin_area WHERE level = 'grid' ORDER BY code LIMIT 1`,
    )).rows[0]
    ;[desk, lead] = await Promise.all([openConsole('desk'), openConsole('lead')])
    // Collected: a citizen's call typed in by the hotline.
    caseId = (await call('POST', '/api/v1/incidents', { categoryCode: 'PT-0107', ...spot, description: '市民来电：路灯损坏，夜间无照明' }, server.headers)).id
    await Promise.all([selectByKeys(desk.page, caseId), selectByKeys(lead.page, caseId)])
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    await new Promise((resolve) => photos?.close(resolve))
  })

  it('the seat files the case (f) and the shift leader approves it (a)', async () => {
    await stepForm(desk.page, 'f', '立案', 'dispatch-file.png', () => field(desk.page, 'note').fill('来电核实，属实'))
    await submit(desk.page)
    await expectStep(desk.page, 'file', people.desk, 'pending_approval')
    // The leader's console, looking at the same case, follows along.
    await expectStep(lead.page, 'file', people.desk, 'pending_approval')

    await stepForm(lead.page, 'a', '审批立案', 'dispatch-approve.png', () => field(lead.page, 'note').fill('同意立案'))
    await submit(lead.page)
    await expectStep(lead.page, 'approve', people.lead, 'filed')
    await expectStep(desk.page, 'approve', people.lead, 'filed')
    desk.problems.assertClean()
    lead.problems.assertClean()
  })

  it('the seat dispatches it to the responsible department (d)', async () => {
    await stepForm(desk.page, 'd', '派遣', 'dispatch-dispatch.png', async () => {
      // The category's department is proposed.
      expect(await field(desk.page, 'departmentCode').inputValue()).toBe(department.code)
      await field(desk.page, 'note').fill('请于今日内修复')
    })
    await submit(desk.page)
    const s = await expectStep(desk.page, 'dispatch', people.desk, 'dispatched')
    expect(s.event.attributes.departmentCode).toBe(department.code)
    // Named in the page's language, not by its code.
    expect(await desk.page.locator('#detail .facts').innerText()).toContain(department.name)
    expect(await desk.page.locator('#detail .history li').last().innerText()).toContain(`责任单位: ${department.name}`)
    await expectStep(lead.page, 'dispatch', people.desk, 'dispatched')
    desk.problems.assertClean()
  })

  it('the shift leader extends the deadline with a reason (e); the case stays where it is', async () => {
    const before = (await stored()).deadline!
    await stepForm(lead.page, 'e', '异常（退回/作废/延期/缓办）', 'dispatch-extend.png', async () => {
      await lead.page.selectOption('.step-form select[name="kind"]', 'extend')
      await field(lead.page, 'reason').fill('需更换灯杆，备件明日到货')
      await field(lead.page, 'extendMinutes').fill('120')
      await field(lead.page, 'requestedBy').fill('市政养护')
    })
    await submit(lead.page)
    const s = await expectStep(lead.page, 'extend', people.lead, 'dispatched')
    expect(s.deadline!.getTime() - before.getTime()).toBe(120 * 60_000)
    const ex = await server.db.query(
      `SELECT kind, reason, requested_by, approved_by, extend_minutes FROM case_exception WHERE incident_id = $1`, [caseId])
    expect(ex.rows).toEqual([{ kind: 'extend', reason: '需更换灯杆，备件明日到货', requested_by: '市政养护', approved_by: people.lead, extend_minutes: 120 }])
    const ledger = await lead.page.locator('#detail .ledger li.exception').innerText()
    expect(ledger).toContain('延期')
    expect(ledger).toContain('需更换灯杆')
    lead.problems.assertClean()
  })

  it('the grid worker handles and reports back through the API; the consoles follow live', async () => {
    await asGridWorker('handle', { note: '已到现场，临时照明' })
    await expectStep(lead.page, 'handle', people.grid, 'handled')
    await asGridWorker('report-back', { note: '已临时处理', photoUrls: [`${photoBase}/first.jpg`] })
    await expectStep(lead.page, 'report_back', people.grid, 'reported_back')
    await expectStep(desk.page, 'report_back', people.grid, 'reported_back')
  })

  it('the shift leader fails the verification (v): back to handling, counted as a reopen', async () => {
    await stepForm(lead.page, 'v', '核查', 'dispatch-verify-fail.png', async () => {
      await lead.page.selectOption('.step-form select[name="passed"]', 'false')
      await field(lead.page, 'note').fill('现场仍无照明，灯杆未更换')
    })
    await submit(lead.page)
    const s = await expectStep(lead.page, 'verify_fail', people.lead, 'dispatched')
    expect(s.reopens).toBe(1)
    expect(s.event.note).toBe('现场仍无照明，灯杆未更换')
    await expectStep(desk.page, 'verify_fail', people.lead, 'dispatched')
    expect(await desk.page.locator('#detail .facts').innerText()).toContain('返工')
    lead.problems.assertClean()
  })

  it('the seat records the department\'s handling (h); the leader reports it back with a photo (b)', async () => {
    await stepForm(desk.page, 'h', '处置', 'dispatch-handle.png', () => field(desk.page, 'note').fill('市政养护来电：灯杆已更换'))
    await submit(desk.page)
    await expectStep(desk.page, 'handle', people.desk, 'handled')
    await expectStep(lead.page, 'handle', people.desk, 'handled')

    // The report-back form takes the photos' addresses, as its route does; the note is required.
    await stepForm(lead.page, 'b', '反馈', 'dispatch-report-back.png', async () => {
      await lead.page.keyboard.press('Control+Enter')
      await lead.page.waitForSelector('.field[data-field="note"].invalid')
      await field(lead.page, 'note').fill('巡查复核：新灯杆已安装，照明恢复')
      // Typed in: no longer marked as missing.
      expect(await lead.page.locator('.field[data-field="note"].invalid').count()).toBe(0)
      await field(lead.page, 'photoUrls').fill(`${photoBase}/after.jpg`)
    })
    await submit(lead.page)
    const s = await expectStep(lead.page, 'report_back', people.lead, 'reported_back')
    expect(s.event.attributes.photoUrls).toEqual([`${photoBase}/after.jpg`])
    // Both report-backs' photos are on the case; pictures from elsewhere are links, never loaded by the page.
    const links = lead.page.locator('#detail .photos a.external')
    expect(await links.count()).toBe(2)
    expect(await links.last().getAttribute('href')).toBe(`${photoBase}/after.jpg`)
    expect((await fetch(`${photoBase}/after.jpg`)).headers.get('content-type')).toBe('image/jpeg')
    await expectStep(desk.page, 'report_back', people.lead, 'reported_back')
    lead.problems.assertClean()
  })

  it('refuses the leader verifying their own report back, saying why, and takes a second supervisor\'s verdict', async () => {
    await stepForm(lead.page, 'v', '核查', null, () => field(lead.page, 'note').fill('已复核'))
    await lead.page.keyboard.press('Control+Enter')
    const banner = lead.page.locator('.step-form .form-error')
    await banner.waitFor({ state: 'visible' })
    expect(await banner.innerText()).toContain('核查需由另一人进行')
    await lead.page.screenshot({ path: `${ARTIFACTS}/dispatch-verify-same-person.png` })
    expect((await stored()).state).toBe('reported_back')
    await lead.page.keyboard.press('Escape')
    await lead.page.waitForSelector('#form-layer', { state: 'hidden' })
    // The browser's own line about the refused request is the only console error.
    expect(lead.problems.consoleErrors.filter((e) => !/status of 403/.test(e))).toEqual([])
    expect(lead.problems.foreignRequests).toEqual([])
    await lead.context.close()

    const second = await openConsole('second')
    await selectByKeys(second.page, caseId)
    await stepForm(second.page, 'v', '核查', 'dispatch-verify.png', async () => {
      expect(await field(second.page, 'passed').inputValue()).toBe('true')
      await field(second.page, 'note').fill('现场核查：照明正常')
    })
    await submit(second.page)
    await expectStep(second.page, 'verify_pass', people.second, 'verified')
    await expectStep(desk.page, 'verify_pass', people.second, 'verified')
    second.problems.assertClean()
    await second.context.close()
  })

  it('the seat closes the case (c); it leaves the open queue', async () => {
    await stepForm(desk.page, 'c', '结案', 'dispatch-close.png', () => field(desk.page, 'note').fill('办结'))
    await submit(desk.page)
    await expectStep(desk.page, 'close', people.desk, 'closed')
    await desk.page.waitForFunction((id) => !probe().queue.includes(id), caseId)
    const steps = (await server.db.query<{ step: string; actor: string }>(
      'SELECT step, actor FROM case_event WHERE incident_id = $1 ORDER BY id', [caseId])).rows.map((r) => `${r.step}:${r.actor}`)
    expect(steps.slice(-11)).toEqual([
      `file:${people.desk}`, `approve:${people.lead}`, `dispatch:${people.desk}`, `extend:${people.lead}`,
      `handle:${people.grid}`, `report_back:${people.grid}`, `verify_fail:${people.lead}`,
      `handle:${people.desk}`, `report_back:${people.lead}`, `verify_pass:${people.second}`, `close:${people.desk}`,
    ])
    // No step is offered on a closed case.
    expect(await desk.page.locator('#actions button.action:not(.disabled)').count()).toBe(0)
    desk.problems.assertClean()
  })
})
