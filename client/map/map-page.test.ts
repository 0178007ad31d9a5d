import { mkdirSync } from 'node:fs'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { distinctColours, launchBrowser, openWatchedPage } from '../../server/testing/browser.ts'
import { startDemoServer } from '../../server/testing/demo-server.ts'

const ARTIFACTS = 'test-artifacts'

describe('map page in headless Chromium', () => {
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

  for (const theme of ['dark', 'light'] as const) {
    it(`draws the basemap and every grid level offline (${theme})`, async () => {
      const { page, problems, context } = await openWatchedPage(browser)
      // Signed in by a token in the URL: the server turns it into the session cookie and drops it from the URL.
      await page.goto(`${server.url}/map?theme=${theme}&token=${server.wallToken}`)
      expect(new URL(page.url()).search).toBe(`?theme=${theme}`)
      await page.waitForFunction(() => window.__gridwatch.ready || window.__gridwatch.error, null, { timeout: 60_000 })
      const probe = await page.evaluate(() => window.__gridwatch)
      expect(probe.error).toBeUndefined()
      // 12 streets + 84 communities + 866 grids.
      expect(probe.gridCount).toBe(962)
      expect(await page.locator('.maplibregl-ctrl-attrib').innerText()).toContain('OpenStreetMap contributors (2017 snapshot)')
      // Tiles were drawn: the screenshot is far from one flat colour (decoded by the browser's own image code).
      const png = await page.screenshot({ path: `${ARTIFACTS}/map-${theme}.png` })
      expect(await distinctColours(page, png)).toBeGreaterThan(200)
      problems.assertClean()
      await context.close()
    })
  }

  it('switches the UI to English', async () => {
    const { page, problems, context } = await openWatchedPage(browser, { width: 1280, height: 800 })
    await page.goto(`${server.url}/map?lang=en&token=${server.wallToken}`)
    await page.waitForFunction(() => window.__gridwatch.ready, null, { timeout: 60_000 })
    await expect(page.title()).resolves.toMatch(/Gridwatch|Map/i)
    const legend = await page.locator('body').innerText()
    expect(legend).toContain('Community')
    expect(legend).not.toContain('社区')
    problems.assertClean()
    await context.close()
  })
})
