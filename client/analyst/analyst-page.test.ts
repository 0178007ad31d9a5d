import { mkdirSync } from 'node:fs'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { distinctColours, launchBrowser, openWatchedPage } from '../../server/testing/browser.ts'
import { startDemoServer } from '../../server/testing/demo-server.ts'
import { createTestUser } from '../../server/testing/test-users.ts'
import type { AnalystProbe } from './main.ts'

const ARTIFACTS = 'test-artifacts'
// The demo server's history ends on 2026-06-01.
const WINDOW = 'from=2026-03-03T00:00:00.000Z&to=2026-06-01T00:00:00.000Z'

describe('analyst page in headless Chromium', () => {
  let server: Awaited<ReturnType<typeof startDemoServer>>
  let browser: Browser
  let token: string
  let grids: number
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    ;[server, browser] = await Promise.all([startDemoServer(), launchBrowser()])
    const city = (await server.db.query<{ code: string }>(`SELECT code FROM admin_area WHERE level = 'city'`)).rows[0].code
    token = (await createTestUser(server.db, { role: 'analyst', areas: [city] })).token
    grids = (await server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM admin_area WHERE level = 'grid'`)).rows[0].n
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })
  it('draws Gi* hot spots on the grids from the URL, then a KDE chosen in the form, keeping the view in the URL', async () => {
    const { page, problems, context } = await openWatchedPage(browser, { width: 1400, height: 900 })
    await page.goto(`${server.url}/analyst?layer=hotspots&${WINDOW}&token=${token}`)
    await page.waitForFunction(() => {
      const p = (window as unknown as { __gridwatch: AnalystProbe }).__gridwatch
      return p.ready || p.error
    }, null, { timeout: 90_000 })
    const first = await page.evaluate(() => (window as unknown as { __gridwatch: AnalystProbe }).__gridwatch)
    expect(first.error).toBeUndefined()
    expect(first).toMatchObject({ ready: true, layer: 'hotspots', features: grids })
    const legend = await page.locator('#legend').innerText()
    expect(legend).toContain('热点 99%')
    expect(legend).toContain('Benjamini–Hochberg')
    const png = await page.screenshot({ path: `${ARTIFACTS}/analyst-hotspots.png` })
    expect(await distinctColours(page, png)).toBeGreaterThan(100)

    await page.selectOption('select[name=layer]', 'kde')
    await page.fill('input[name=cellM]', '200')
    await page.click('button[type=submit]')
    await page.waitForFunction(() => {
      const p = (window as unknown as { __gridwatch: AnalystProbe }).__gridwatch
      return (p.ready && p.layer === 'kde') || p.error
    }, null, { timeout: 60_000 })
    const url = new URL(page.url())
    expect(url.searchParams.get('layer')).toBe('kde')
    expect(url.searchParams.get('cellM')).toBe('200')
    expect(url.searchParams.get('from')).toBe('2026-03-03T00:00:00.000Z')
    expect(await page.locator('#legend').innerText()).toMatch(/核密度[\s\S]*h = \d+ m/)
    await page.screenshot({ path: `${ARTIFACTS}/analyst-kde.png` })
    problems.assertClean()
    await context.close()
  })

  it('shows H3 period comparison in English with the change classes', async () => {
    const { page, problems, context } = await openWatchedPage(browser, { width: 1400, height: 900 })
    await page.goto(`${server.url}/analyst?lang=en&layer=compare&cells=h3&res=8&${WINDOW}&token=${token}`)
    await page.waitForFunction(() => {
      const p = (window as unknown as { __gridwatch: AnalystProbe }).__gridwatch
      return p.ready || p.error
    }, null, { timeout: 60_000 })
    const p = await page.evaluate(() => (window as unknown as { __gridwatch: AnalystProbe }).__gridwatch)
    expect(p.error).toBeUndefined()
    expect(p.features).toBeGreaterThan(20)
    const legend = await page.locator('#legend').innerText()
    expect(legend).toContain('Increase 99%')
    expect(legend).not.toContain('热点')
    problems.assertClean()
    await context.close()
  })
})
