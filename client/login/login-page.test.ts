import { mkdirSync } from 'node:fs'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser, openWatchedPage } from '../../server/testing/browser.ts'
import { startDemoServer } from '../../server/testing/demo-server.ts'

const ARTIFACTS = 'test-artifacts'

describe('login page in headless Chromium', () => {
  let server: Awaited<ReturnType<typeof startDemoServer>>
  let browser: Browser
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    ;[server, browser] = await Promise.all([startDemoServer(), launchBrowser()])
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('sends a visitor without a session to the form, refuses a wrong password, and returns to the page after login', async () => {
    const { page, problems, context } = await openWatchedPage(browser, { width: 1280, height: 800 })
    await page.goto(`${server.url}/map?lang=en`)
    expect(new URL(page.url()).pathname).toBe('/login')
    expect(new URL(page.url()).searchParams.get('next')).toBe('/map?lang=en')
    await page.fill('input[name=username]', 'admin')
    await page.fill('input[name=password]', 'not the password')
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'))
    await page.click('button[type=submit]')
    expect((await refused).status()).toBe(401)
    await expect(page.locator('#login-error').innerText()).resolves.toBe('Wrong user name or password')
    await page.screenshot({ path: `${ARTIFACTS}/login-refused.png` })
    await page.fill('input[name=password]', server.adminPassword)
    await Promise.all([page.waitForURL(`${server.url}/map?lang=en`), page.click('button[type=submit]')])
    await page.waitForFunction(() => window.__gridwatch.ready || window.__gridwatch.error, null, { timeout: 60_000 })
    expect(await page.evaluate(() => window.__gridwatch.error)).toBeUndefined()
    const cookie = (await context.cookies()).find((c) => c.name === 'gw_session')!
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' })
    // The browser console showed no Content-Security-Policy violation (they are console errors), on either page.
    // The refused login is the one expected error: Chromium logs every failed fetch.
    expect(problems.consoleErrors.filter((e) => !/401/.test(e))).toEqual([])
    expect(problems.foreignRequests).toEqual([])
    await context.close()
  })

  it("shows an auditor the audit log, including that login, and proves the chain; a dispatcher is refused", async () => {
    const auditor = await server.user({ role: 'auditor' })
    const { page, problems, context } = await openWatchedPage(browser, { width: 1400, height: 900 })
    await page.goto(`${server.url}/audit?lang=en&token=${auditor.token}`)
    await page.locator('#rows tr').first().waitFor()
    const actions = await page.locator('#rows td:nth-child(4)').allInnerTexts()
    expect(actions).toEqual(expect.arrayContaining(['auth.login', 'auth.login_failed']))
    await page.click('#verify')
    await page.waitForFunction(() => document.getElementById('status')!.textContent !== '')
    expect(await page.locator('#status').innerText()).toMatch(/^Hash chain intact: \d+ rows$/)
    await page.screenshot({ path: `${ARTIFACTS}/audit-page.png` })
    problems.assertClean()
    await context.close()

    const dispatcher = await server.user({ role: 'dispatcher' })
    const other = await openWatchedPage(browser, { width: 1400, height: 900 })
    await other.page.goto(`${server.url}/audit?lang=en&token=${dispatcher.token}`)
    await other.page.waitForFunction(() => document.getElementById('status')!.textContent !== '')
    expect(await other.page.locator('#status').innerText()).toBe('Only auditors and administrators may read the audit log')
    await other.context.close()
  })
})
