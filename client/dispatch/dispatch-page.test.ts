import { mkdirSync } from 'node:fs'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signedHeaders } from '../../server/alerts/webhook-signature.ts'
import { distinctColours, launchBrowser, openWatchedPage, type WatchedPage } from '../../server/testing/browser.ts'
import { startDemoServer } from '../../server/testing/demo-server.ts'
import { createTestUser } from '../../server/testing/test-users.ts'
import { snapshotJpeg } from '../wall/test-support/camera-fixtures.ts'
import type { DispatchProbe } from './main.ts'
import { clearFilter, selectByKeys, waitReady } from './test-support/console-keys.ts'

const ARTIFACTS = 'test-artifacts'
const WEBHOOK_SECRET = 'dispatch-test-webhook-secret'

/** Reads the page's probe inside page functions (set up by `waitReady`). */
declare function probe(): DispatchProbe

/*
 * The console against the real server with the small demo city: units placed around a spot through the bulk
 * positions API, cases entered and filed through the case API, then worked with the keyboard as a dispatcher
 * would. A second dispatcher's page, whose live news is held back, plays the one who loses the race for a unit.
 */
describe('dispatch console in headless Chromium', () => {
  let server: Awaited<ReturnType<typeof startDemoServer>>
  let browser: Browser
  let desk: WatchedPage
  let admin: Record<string, string>
  let dispatcherToken: string
  let otherToken: string
  let spot: { lon: number; lat: number }
  /** Cases: two filed at the same spot (they compete for the same units), two just reported. */
  const ids = { first: 0, second: 0, toReject: 0, toFile: 0 }
  /** Camera alerts from the signed webhook: one to file (with a snapshot), one to dismiss. */
  const alertIds = { toFile: 0, toDismiss: 0 }

  const call = async (method: string, path: string, body?: unknown, headers = admin) => {
    const res = await fetch(`${server.url}${path}`, {
      method, headers: { 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body),
    })
    const json = res.status === 204 ? null : await res.json()
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`)
    return json
  }
  const caseRow = async (id: number) =>
    (await server.db.query<{ state: string; assigned: string | null }>(`SELECT state, assigned_unit_id AS assigned FROM incident WHERE id = $1`, [id])).rows[0]
  const unitStatus = async (id: string) => (await server.db.query<{ status: string }>('SELECT status FROM unit WHERE id = $1', [id])).rows[0].status

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    ;[server, browser] = await Promise.all([startDemoServer('pglite', { WEBHOOK_SECRET }), launchBrowser()])
    const db = server.db
    const city = (await db.query<{ code: string }>(`SELECT code FROM admin_area WHERE level = 'city'`)).rows[0].code
    const [a, d1, d2] = await Promise.all([
      createTestUser(db, { role: 'admin', areas: [city] }),
      createTestUser(db, { role: 'dispatcher', areas: [city], username: 'desk-1' }),
      createTestUser(db, { role: 'dispatcher', areas: [city], username: 'desk-2' }),
    ])
    admin = a.headers
    dispatcherToken = d1.token
    otherToken = d2.token

    // A grid in the middle of the city; a dozen units around it, reporting now.
    const grids = (await db.query<{ lon: number; lat: number }>(
      `SELECT ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM admin_area WHERE level = 'grid' ORDER BY code`,
    )).rows
    spot = grids[Math.floor(grids.length / 2)]
    const units = (await db.query<{ id: string }>('SELECT id FROM unit ORDER BY id LIMIT 12')).rows.map((r) => r.id)
    const now = new Date().toISOString()
    await call('POST', '/api/v1/positions', units.map((id, k) => {
      const angle = (k / units.length) * 2 * Math.PI
      const r = 0.002 + 0.0015 * (k % 4)
      return { deviceId: id, time: now, lon: spot.lon + r * Math.cos(angle), lat: spot.lat + r * Math.sin(angle) * 0.8 }
    }))

    const cats = (await db.query<{ code: string }>(`SELECT code FROM category WHERE active ORDER BY priority, code`)).rows.map((r) => r.code)
    const enter = async (k: number, description: string) =>
      ((await call('POST', '/api/v1/incidents', { categoryCode: cats[k % cats.length], lon: spot.lon, lat: spot.lat, description })) as { properties?: { id: number }; id?: number })
    const idOf = (x: { properties?: { id: number }; id?: number }) => Number(x.properties?.id ?? x.id)
    ids.first = idOf(await enter(0, '市民来电，现场需尽快处置'))
    ids.second = idOf(await enter(1, '网格员巡查发现'))
    ids.toReject = idOf(await enter(2, '测试来电'))
    ids.toFile = idOf(await enter(3, '热线转办'))
    for (const id of [ids.first, ids.second]) {
      await call('POST', `/api/v1/cases/${id}/file`, {})
      await call('POST', `/api/v1/cases/${id}/approve`, {})
    }

    const cameras = (await db.query<{ id: string }>(`SELECT id FROM camera WHERE status = 'online' ORDER BY id LIMIT 2`)).rows.map((r) => r.id)
    const webhook = async (body: object) => {
      const raw = JSON.stringify(body)
      const res = await fetch(`${server.url}/api/v1/camera-alerts`, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', ...signedHeaders(WEBHOOK_SECRET, raw) } })
      if (res.status !== 201) throw new Error(`webhook: HTTP ${res.status} ${await res.text()}`)
      return ((await res.json()) as { id: number }).id
    }
    const t0 = Date.now()
    alertIds.toDismiss = await webhook({ id: 'desk-a', cameraId: cameras[0], type: 'crowd', time: new Date(t0 - 120_000).toISOString(), score: 0.64 })
    const osd = `${cameras[1]}  ${new Date(t0 - 60_000).toISOString().slice(0, 19).replace('T', ' ')}`
    alertIds.toFile = await webhook({ id: 'desk-b', cameraId: cameras[1], type: 'smoke', time: new Date(t0 - 60_000).toISOString(), score: 0.91, snapshot: snapshotJpeg(osd, 4).toString('base64') })

    desk = await openWatchedPage(browser)
    await desk.page.goto(`${server.url}/dispatch?token=${dispatcherToken}`)
    await waitReady(desk.page)
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('loads clean and lists the queue with countdowns', async () => {
    const { page, problems } = desk
    const p = await page.evaluate(() => probe())
    expect(p.error).toBeUndefined()
    for (const id of Object.values(ids)) expect(p.queue).toContain(id)
    // The demo's one open case is long overdue: its countdown is red.
    await expect(page.locator('.case-row .clock.overdue').count()).resolves.toBeGreaterThan(0)
    expect(await page.locator(`[data-case-id="${ids.first}"] .clock`).innerText()).toMatch(/剩余 \d/)
    // Every shortcut is on screen.
    expect(await page.locator('#shortcuts .shortcut').count()).toBeGreaterThanOrEqual(20)
    await page.waitForFunction(() => probe().socket === 'connected')
    problems.assertClean()
  })

  it('selects a case from the keyboard and shows its ranked units and road routes', async () => {
    const { page, problems } = desk
    const asked = Date.now()
    await selectByKeys(page, ids.first)
    await page.waitForFunction(() => probe().candidates.length >= 3, null, { timeout: 30_000 })
    console.info(`dispatch: case picked by keys → ranked units with routes on screen in ${Date.now() - asked} ms`)
    const rows = page.locator('#candidates .cand')
    expect(await rows.count()).toBe(5)
    const first = await rows.first().innerText()
    expect(first).toMatch(/\d+分\d+秒|\d+秒/)
    expect(first).toMatch(/直线/)
    expect(await page.locator('#detail .history li').count()).toBeGreaterThanOrEqual(3)
    await page.waitForFunction(() => probe().mapIdle, null, { timeout: 20_000 })
    await page.waitForTimeout(500)
    const png = await page.screenshot({ path: `${ARTIFACTS}/dispatch-candidates.png` })
    expect(await distinctColours(page, png)).toBeGreaterThan(200)
    problems.assertClean()
  })

  it('assigns the first candidate with one key; a second dispatcher holding a stale list gets a clear conflict', async () => {
    const { page, problems } = desk
    // The second desk looks at the other case at the same spot: its list offers the same units.
    const other = await openWatchedPage(browser)
    let holding = false
    await other.context.routeWebSocket(/\/socket\.io\//, (ws) => {
      const upstream = ws.connectToServer()
      upstream.onMessage((m) => {
        if (!holding) ws.send(m)
      })
    })
    await other.page.goto(`${server.url}/dispatch?token=${otherToken}`)
    await waitReady(other.page)
    await other.page.waitForFunction(() => probe().socket === 'connected')
    await selectByKeys(other.page, ids.second)
    await other.page.waitForFunction(() => probe().candidates.length >= 3, null, { timeout: 30_000 })

    const unit = (await page.evaluate(() => probe().candidates[0]))!
    const rank = (await other.page.evaluate(() => probe().candidates)).indexOf(unit) + 1
    expect(rank).toBeGreaterThan(0)

    // The other desk hears nothing more for now: as if the news of this assignment had not reached it yet.
    holding = true
    const pressed = Date.now()
    await page.keyboard.press('1')
    await page.waitForFunction(() => probe().banner?.kind === 'ok', null, { timeout: 15_000 })
    console.info(`dispatch: key 1 → assignment confirmed on screen in ${Date.now() - pressed} ms`)
    expect(await caseRow(ids.first)).toEqual({ state: 'dispatched', assigned: unit })
    expect(await unitStatus(unit)).toBe('dispatched')
    await page.waitForFunction(() => probe().selectedState === 'dispatched')
    await expect(page.locator('#detail .assignments').innerText()).resolves.toContain(await callsignOf(unit))
    // The list the desk now offers no longer has the unit it just sent.
    await page.waitForFunction((u) => probe().candidates.length > 0 && !probe().candidates.includes(u), unit)

    const raced = Date.now()
    await other.page.keyboard.press(String(rank))
    await other.page.waitForFunction(() => probe().banner?.kind === 'conflict', null, { timeout: 15_000 })
    console.info(`dispatch: losing key → conflict shown in ${Date.now() - raced} ms`)
    const banner = await other.page.locator('#banner').innerText()
    expect(banner).toContain('冲突')
    expect(banner).toContain(await callsignOf(unit))
    // Refreshed: the taken unit is gone from the loser's list, and nothing was written for the second case.
    await other.page.waitForFunction((u) => probe().candidates.length > 0 && !probe().candidates.includes(u), unit)
    expect(await caseRow(ids.second)).toEqual({ state: 'filed', assigned: null })
    await other.page.screenshot({ path: `${ARTIFACTS}/dispatch-conflict.png` })
    holding = false
    // The one console error is the browser's own line about the refused request.
    expect(other.problems.consoleErrors.filter((e) => !/status of 409/.test(e))).toEqual([])
    expect(other.problems.foreignRequests).toEqual([])
    await other.context.close()
    problems.assertClean()
  })

  it('asks for a reason before rejecting, and files a report through its form', async () => {
    const { page, problems } = desk
    await selectByKeys(page, ids.toReject)
    await page.waitForFunction((id) => probe().selectedState === 'reported' && probe().selected === id, ids.toReject)
    await page.keyboard.press('x')
    await page.waitForSelector('#form-layer:not([hidden]) .step-form')
    // Empty reason: the form says so and nothing is sent.
    await page.keyboard.press('Control+Enter')
    await page.waitForSelector('.field[data-field="reason"].invalid')
    expect((await caseRow(ids.toReject)).state).toBe('reported')
    await page.screenshot({ path: `${ARTIFACTS}/dispatch-reject-form.png` })
    await page.locator('.field[data-field="reason"] textarea').fill('测试来电，非城市管理问题')
    await page.keyboard.press('Control+Enter')
    await page.waitForSelector('#form-layer', { state: 'hidden' })
    expect((await caseRow(ids.toReject)).state).toBe('rejected')
    const reason = await server.db.query<{ reason: string }>(`SELECT attributes->>'reason' AS reason FROM case_event WHERE incident_id = $1 AND step = 'reject'`, [ids.toReject])
    expect(reason.rows[0].reason).toBe('测试来电，非城市管理问题')
    // A rejected case leaves the open queue.
    await page.waitForFunction((id) => !probe().queue.includes(id), ids.toReject)

    await selectByKeys(page, ids.toFile)
    await page.keyboard.press('f')
    await page.waitForSelector('.step-form select[name="categoryCode"]')
    await page.locator('.field[data-field="note"] textarea').fill('类别核实无误')
    await page.keyboard.press('Control+Enter')
    await page.waitForFunction((id) => probe().selected === id && probe().selectedState === 'pending_approval', ids.toFile)
    expect((await caseRow(ids.toFile)).state).toBe('pending_approval')
    await expect(page.locator('#detail .history').innerText()).resolves.toContain('类别核实无误')
    problems.assertClean()
  })

  it('files a camera alert as a case, with its snapshot, and dismisses another with a reason', async () => {
    const { page, problems } = desk
    await page.keyboard.press('Escape')
    await page.keyboard.press('g')
    await page.waitForFunction(() => probe().mode === 'alerts')
    expect(await page.evaluate(() => probe().alerts)).toEqual([alertIds.toFile, alertIds.toDismiss])
    await page.keyboard.press('j')
    await page.waitForFunction((id) => probe().selectedAlert === id, alertIds.toFile)
    await page.waitForFunction(() => (document.querySelector<HTMLImageElement>('#detail .alert-snapshot')?.naturalWidth ?? 0) > 0)
    await page.screenshot({ path: `${ARTIFACTS}/dispatch-alert.png` })

    await page.keyboard.press('f')
    await page.waitForSelector('.step-form select[name="categoryCode"]')
    // No category yet: the form asks for one.
    await page.keyboard.press('Control+Enter')
    await page.waitForSelector('.field[data-field="categoryCode"].invalid')
    const category = (await server.db.query<{ code: string }>(`SELECT code FROM category WHERE active ORDER BY code LIMIT 1`)).rows[0].code
    await page.selectOption('.step-form select[name="categoryCode"]', category)
    await page.locator('.field[data-field="description"] textarea').fill('烟雾告警，人工确认后立案')
    await page.keyboard.press('Control+Enter')
    await page.waitForFunction(() => probe().mode === 'cases' && probe().selectedState === 'pending_approval', null, { timeout: 15_000 })
    const made = await server.db.query<{ id: number }>(`SELECT id::int FROM incident WHERE camera_alert_id = $1`, [alertIds.toFile])
    expect(await page.evaluate(() => probe().selected)).toBe(made.rows[0].id)
    expect((await server.db.query<{ state: string }>('SELECT state FROM camera_alert WHERE id = $1', [alertIds.toFile])).rows[0].state).toBe('filed')
    // The case shows the camera's snapshot.
    await page.waitForFunction(() => (document.querySelector<HTMLImageElement>('#detail .photos img')?.naturalWidth ?? 0) > 0)
    await page.screenshot({ path: `${ARTIFACTS}/dispatch-alert-filed.png` })

    await page.keyboard.press('g')
    await page.waitForFunction(() => probe().mode === 'alerts' && probe().alerts.length === 1)
    await page.keyboard.press('j')
    await page.keyboard.press('x')
    await page.locator('.field[data-field="reason"] textarea').fill('人员正常通行，非异常聚集')
    await page.keyboard.press('Control+Enter')
    await page.waitForFunction(() => probe().alerts.length === 0)
    expect((await server.db.query<{ state: string }>('SELECT state FROM camera_alert WHERE id = $1', [alertIds.toDismiss])).rows[0].state).toBe('dismissed')
    await page.keyboard.press('g')
    problems.assertClean()
  })

  it('shows a case entered elsewhere without a reload', async () => {
    const { page, problems } = desk
    await clearFilter(page)
    const created = (await call('POST', '/api/v1/incidents', { categoryCode: 'EV-0302', lon: spot.lon, lat: spot.lat, description: '新上报：占道经营' })) as { properties?: { id: number }; id?: number }
    const id = Number(created.properties?.id ?? created.id)
    await page.waitForFunction((x) => probe().queue.includes(x), id, { timeout: 15_000 })
    await page.screenshot({ path: `${ARTIFACTS}/dispatch-queue.png` })
    problems.assertClean()
  })

  it('speaks English with ?lang=en', async () => {
    const { page, problems, context } = await openWatchedPage(browser, { width: 1440, height: 900 })
    await page.goto(`${server.url}/dispatch?lang=en&token=${otherToken}`)
    await waitReady(page)
    await selectByKeys(page, ids.second)
    await page.waitForFunction(() => probe().candidates.length > 0, null, { timeout: 30_000 })
    const text = await page.locator('body').innerText()
    expect(text).toContain('Case queue')
    expect(text).toContain('Nearest units')
    expect(await page.locator('#shortcuts').innerText()).not.toMatch(/[\u4e00-\u9fff]/)
    await page.waitForFunction(() => probe().mapIdle, null, { timeout: 20_000 })
    await page.screenshot({ path: `${ARTIFACTS}/dispatch-en.png` })
    problems.assertClean()
    await context.close()
  })

  it('goes to the login page when the session ends, and would come back here', async () => {
    const { page } = desk
    await call('POST', '/api/v1/auth/logout', undefined, { authorization: `Bearer ${dispatcherToken}` })
    await page.keyboard.press('r')
    await page.waitForURL(/\/login\?next=/, { timeout: 15_000 })
    expect(new URL(page.url()).searchParams.get('next')).toBe('/dispatch')
    // The browser's own lines about the refused reads are the only console errors.
    expect(desk.problems.consoleErrors.filter((e) => !/status of 401/.test(e))).toEqual([])
    expect(desk.problems.foreignRequests).toEqual([])
  })

  async function callsignOf(unitId: string): Promise<string> {
    return (await server.db.query<{ callsign: string }>('SELECT callsign FROM unit WHERE id = $1', [unitId])).rows[0].callsign
  }
})
