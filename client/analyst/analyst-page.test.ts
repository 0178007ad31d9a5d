import { mkdirSync } from 'node:fs'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { distinctColours, launchBrowser, openWatchedPage } from '../../server/testing/browser.ts'
import { startDemoServer } from '../../server/testing/demo-server.ts'
import { createTestUser } from '../../server/testing/test-users.ts'
import { traceLongTasks } from './long-task-trace.ts'
import type { AnalystProbe } from './main.ts'

const ARTIFACTS = 'test-artifacts'
// The demo server's history ends on 2026-06-01.
const WINDOW = 'from=2026-03-03T00:00:00.000Z&to=2026-06-01T00:00:00.000Z'

describe('analyst page in headless Chromium', () => {
  let server: Awaited<ReturnType<typeof startDemoServer>>
  let browser: Browser
  let token: string
  let grids: number
  let city: string
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    ;[server, browser] = await Promise.all([startDemoServer(), launchBrowser()])
    city = (await server.db.query<{ code: string }>(`SELECT code FROM admin_area WHERE level = 'city'`)).rows[0].code
    token = (await createTestUser(server.db, { role: 'analyst', areas: [city] })).token
    grids = (await server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM admin_area WHERE level = 'grid'`)).rows[0].n
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })
  it('draws Gi* hot spots on the grids from the URL, then a KDE chosen in the form, keeping the view in the URL', async () => {
    const { page, problems, context } = await openWatchedPage(browser, { width: 1400, height: 900 })
    // Main-thread tasks over 50 ms, to report how long an interaction blocks the page (printed, not asserted).
    await page.addInitScript(() => {
      const w = window as unknown as { __longTasks: Array<[number, number]> }
      w.__longTasks = []
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasks.push([e.startTime, e.duration])
      }).observe({ type: 'longtask', buffered: true })
    })
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
    // The area box offers the streets and communities by name and keeps their codes.
    await page.waitForFunction(() => document.querySelectorAll('#area-names option').length > 0, null, { timeout: 30_000 })
    const offered = await page.$$eval('#area-names option', (os) => os.map((o) => ({ value: (o as HTMLOptionElement).value, label: (o as HTMLOptionElement).label })))
    const areaCounts = (await server.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM admin_area WHERE level IN ('street', 'community')`)).rows[0].n
    expect(offered).toHaveLength(areaCounts)
    expect(offered.every((o) => /^\d+$/.test(o.value) && / · (街道|社区)$/.test(o.label))).toBe(true)
    const png = await page.screenshot({ path: `${ARTIFACTS}/analyst-hotspots.png` })
    expect(await distinctColours(page, png)).toBeGreaterThan(100)

    const ms = (v: number) => Math.round(v)
    /** One interaction, traced: the longest main-thread task and how much of it was waiting for the GPU process. */
    const measured = async (label: string, layer: string, act: () => Promise<void>): Promise<number[]> => {
      const t0 = await page.evaluate(() => performance.now())
      const traced = await traceLongTasks(page, async () => {
        await act()
        await page.click('button[type=submit]')
        await page.waitForFunction((l) => {
          const p = (window as unknown as { __gridwatch: AnalystProbe }).__gridwatch
          return (p.ready && p.layer === l) || p.error
        }, layer, { timeout: 60_000 })
      })
      // Read before any screenshot, which draws a frame of its own.
      const during = await page.evaluate((t) => (window as unknown as { __longTasks: Array<[number, number]> }).__longTasks.filter(([start]) => start >= t).map(([, d]) => d), t0)
      console.log(
        `analyst: ${label}, main-thread tasks over 50 ms: ${during.length}, longest ${ms(Math.max(0, ...during))} ms (software-rendered Chromium); ` +
          `traced: ${traced.map((t) => `${ms(t.ms)} ms (${ms(t.gpuWaitMs)} waiting for the GPU process, ${ms(t.cpuMs)} on the CPU${t.work ? `; ${t.work}` : ''})`).join(', ') || 'none'}; ` +
          `longest without GPU waits ${ms(Math.max(0, ...traced.map((t) => t.ms - t.gpuWaitMs)))} ms, most CPU in one task ${ms(Math.max(0, ...traced.map((t) => t.cpuMs)))} ms`,
      )
      return during
    }
    await measured('Gi* → KDE switch', 'kde', async () => {
      await page.selectOption('select[name=layer]', 'kde')
      await page.fill('input[name=cellM]', '200')
    })
    const url = new URL(page.url())
    expect(url.searchParams.get('layer')).toBe('kde')
    expect(url.searchParams.get('cellM')).toBe('200')
    expect(url.searchParams.get('from')).toBe('2026-03-03T00:00:00.000Z')
    expect(await page.locator('#legend').innerText()).toMatch(/核密度[\s\S]*h = \d+ m/)
    await page.screenshot({ path: `${ARTIFACTS}/analyst-kde.png` })
    // The heaviest views: Gi* over 3,791 H3 r9 cells, then counts on the grids.
    await measured('KDE → Gi* on H3 r9', 'hotspots', async () => {
      await page.selectOption('select[name=layer]', 'hotspots')
      await page.selectOption('select[name=cells]', 'h3')
      await page.selectOption('select[name=res]', '9')
    })
    await measured('Gi* on H3 → counts on grids', 'counts', async () => {
      await page.selectOption('select[name=layer]', 'counts')
      await page.selectOption('select[name=cells]', 'grid')
    })
    expect(new URL(page.url()).searchParams.get('layer')).toBe('counts')
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

  it('exports the layer shown as GeoJSON, CSV and PNG and shows a clicked cell\'s figures, all kept by the worker', async () => {
    const { page, problems, context } = await openWatchedPage(browser, { width: 1400, height: 900 })
    const drawn = (layer: string) =>
      page.waitForFunction((l) => {
        const p = (window as unknown as { __gridwatch: AnalystProbe }).__gridwatch
        return (p.ready && p.layer === l) || p.error
      }, layer, { timeout: 60_000 })
    const save = async (button: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)])
      return { name: download.suggestedFilename(), body: Buffer.concat(await (await download.createReadStream()).toArray()) }
    }
    await page.goto(`${server.url}/analyst?layer=hotspots&${WINDOW}&token=${token}`)
    await drawn('hotspots')
    const geojson = await save('#export-geojson')
    expect(geojson.name).toMatch(/^gridwatch-hotspots-.*\.geojson$/)
    const fc = JSON.parse(geojson.body.toString()) as { features: Array<{ geometry: { type: string }; properties: Record<string, unknown> }>; meta: { total: number } }
    expect(fc.features).toHaveLength(grids)
    expect(fc.features[0].geometry.type).toMatch(/Polygon/)
    expect(Object.keys(fc.features[0].properties)).toEqual(expect.arrayContaining(['cell', 'count', 'z', 'pFdr', 'class']))
    expect(fc.meta.total).toBeGreaterThan(0)
    const csv = (await save('#export-csv')).body.toString().replace(/^\ufeff/, '').split('\n')
    expect(csv[0]).toMatch(/^cell,count,.*,class$/)
    expect(csv).toHaveLength(grids + 1)
    const png = await save('#export-png')
    expect(png.body.subarray(1, 4).toString()).toBe('PNG')

    // A cell's full figures come from the worker; the map holds only what it colours by.
    const box = (await page.locator('#map canvas').boundingBox())!
    await page.mouse.click(box.x + box.width * 0.6, box.y + box.height / 2)
    await page.waitForSelector('.maplibregl-popup', { timeout: 15_000 })
    expect(await page.locator('.maplibregl-popup').innerText()).toMatch(/cell[\s\S]*pFdr[\s\S]*class/)

    await page.selectOption('select[name=layer]', 'kde')
    await page.click('button[type=submit]')
    await drawn('kde')
    const kde = (await save('#export-csv')).body.toString().replace(/^\ufeff/, '').split('\n')
    expect(kde[0]).toBe('row,col,lon,lat,perKm2')
    expect(kde.length).toBeGreaterThan(10)
    expect(kde.slice(1).every((l) => /^\d+,\d+,-?\d+\.\d{6},-?\d+\.\d{6},[\d.e-]+$/.test(l))).toBe(true)
    const recorded = await server.db.query<{ target_type: string; target_id: string }>(
      `SELECT target_type, target_id FROM audit_log WHERE action = 'export' AND target_type IN ('hotspots', 'kde') ORDER BY id`,
    )
    expect(recorded.rows.map((r) => `${r.target_type}.${r.target_id}`)).toEqual(['hotspots.geojson', 'hotspots.csv', 'hotspots.png', 'kde.csv'])
    problems.assertClean()
    await context.close()
  })

  it('shows the 综合评价 per department from the URL with formulas, sorts it, switches to grids and exports CSV', async () => {
    const { page, problems, context } = await openWatchedPage(browser, { width: 1400, height: 900 })
    await page.goto(`${server.url}/analyst?layer=counts&eval=department&${WINDOW}&token=${token}`)
    const probeOf = () => page.evaluate(() => (window as unknown as { __gridwatch: AnalystProbe }).__gridwatch)
    await page.waitForFunction(() => {
      const p = (window as unknown as { __gridwatch: AnalystProbe }).__gridwatch
      return (p.ready && p.evaluation) || p.error
    }, null, { timeout: 60_000 })
    const first = await probeOf()
    expect(first.error).toBeUndefined()
    expect(first.evaluation?.level).toBe('department')
    expect(first.evaluation?.rows).toBeGreaterThan(1)
    const panel = page.locator('#evaluation')
    expect(await panel.locator('thead').innerText()).toMatch(/结案率[\s\S]*及时解决率[\s\S]*派遣按时率/)
    expect(await panel.locator('.formulas').innerText()).toContain('结案率 = 结案数 ÷ 立案数')
    // Every rate carries the fraction it is made of.
    const closureCol = 1 + (await panel.locator('thead th').allInnerTexts()).findIndex((h) => h.startsWith('结案率'))
    const rates = await panel.locator(`tbody td:nth-child(${closureCol})`).allInnerTexts()
    expect(rates.every((r) => /^(\d+\.\d% \(\d+\/\d+\)|—)$/.test(r))).toBe(true)
    const percent = (r: string) => (r === '—' ? -1 : Number(r.split('%')[0]))
    await panel.locator('th[data-col=closureRate]').click()
    await panel.locator('th[data-col=closureRate]').click()
    expect(await panel.locator('th[data-col=closureRate]').getAttribute('aria-sort')).toBe('descending')
    const sorted = (await panel.locator(`tbody td:nth-child(${closureCol})`).allInnerTexts()).map(percent).filter((v) => v >= 0)
    expect(sorted.length).toBeGreaterThan(1)
    expect(sorted).toEqual([...sorted].sort((a, b) => b - a))
    await page.screenshot({ path: `${ARTIFACTS}/analyst-evaluation.png` })

    await page.selectOption('#evaluation select[name=level]', 'grid')
    await page.waitForFunction(() => (window as unknown as { __gridwatch: AnalystProbe }).__gridwatch.evaluation?.level === 'grid', null, { timeout: 30_000 })
    expect(new URL(page.url()).searchParams.get('eval')).toBe('grid')
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#eval-csv')])
    const csv = (await (await download.createReadStream()).toArray()).join('')
    const lines = csv.replace(/^\ufeff/, '').split('\n')
    expect(lines[0]).toMatch(/^code,name,reported,filed,closed,closedOnTime,closureRate,onTimeRate,/)
    expect(lines.filter((l) => l.startsWith('#')).length).toBe(7)
    expect(lines.length - 8).toBe((await probeOf()).evaluation?.rows)
    // The file was saved only after the server recorded the export in the audit log.
    const recorded = await server.db.query<{ target_id: string; detail: { rows: number; view: string } }>(
      `SELECT target_id, detail FROM audit_log WHERE action = 'export' AND target_type = 'evaluation' ORDER BY id DESC LIMIT 1`,
    )
    expect(recorded.rows[0]).toMatchObject({ target_id: 'csv', detail: { rows: lines.length - 8 } })
    expect(recorded.rows[0].detail.view).toContain('eval=grid')
    problems.assertClean()
    await context.close()
  })

  it('evaluates the window\'s hot-spot map on the next window: area share, capture share and PAI per k', async () => {
    const { page, problems, context } = await openWatchedPage(browser, { width: 1400, height: 900 })
    await page.goto(`${server.url}/analyst?lang=en&layer=counts&from=2026-04-01T00:00:00.000Z&to=2026-05-01T00:00:00.000Z&token=${token}`)
    await page.waitForFunction(() => (window as unknown as { __gridwatch: AnalystProbe }).__gridwatch.ready, null, { timeout: 60_000 })
    await page.fill('#pai-k', '200')
    await page.click('#pai-run')
    expect(await page.locator('#pai .result').innerText()).toContain('percentages in (0, 100]')
    await page.fill('#pai-k', '5, 20')
    await page.click('#pai-run')
    await page.waitForFunction(() => (window as unknown as { __gridwatch: AnalystProbe }).__gridwatch.pai, null, { timeout: 60_000 })
    const p = await page.evaluate(() => (window as unknown as { __gridwatch: AnalystProbe }).__gridwatch.pai!)
    expect(p.results).toBe(2)
    expect(p.testTotal).toBeGreaterThan(0)
    const rows = await page.locator('#pai tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent ?? '')))
    expect(rows.map((r) => r[0])).toEqual(['5%', '20%'])
    const captured = rows.map((r) => Number(r[3].split('/')[0]))
    expect(rows.every((r) => r[3].endsWith(`/${p.testTotal}`))).toBe(true)
    expect(captured[1]).toBeGreaterThanOrEqual(captured[0])
    const text = await page.locator('#pai').innerText()
    expect(text).toContain('map period: 2026-04-01 – 2026-05-01')
    expect(text).toContain('test period: 2026-05-01 – 2026-05-31')
    expect(text).toContain('PAI = capture share ÷ area share')
    await page.locator('#pai').screenshot({ path: `${ARTIFACTS}/analyst-pai.png` })
    problems.assertClean()
    await context.close()
  })

  it('plays the window back day by day (or steps by hour), the map drawing each sub-window, the URL unchanged', async () => {
    const { page, problems, context } = await openWatchedPage(browser, { width: 1400, height: 900 })
    const probeOf = () => page.evaluate(() => (window as unknown as { __gridwatch: AnalystProbe }).__gridwatch)
    await page.goto(`${server.url}/analyst?layer=hotspots&from=2026-05-01T00:00:00.000Z&to=2026-05-04T00:00:00.000Z&token=${token}`)
    await page.waitForFunction(() => (window as unknown as { __gridwatch: AnalystProbe }).__gridwatch.ready, null, { timeout: 60_000 })
    const url = page.url()
    await page.click('#pb-next')
    await page.waitForFunction(() => {
      const p = (window as unknown as { __gridwatch: AnalystProbe }).__gridwatch
      return (p.ready && p.playback?.index === 0) || p.error
    }, null, { timeout: 30_000 })
    let p = await probeOf()
    expect(p.error).toBeUndefined()
    expect(p).toMatchObject({ layer: 'counts', features: grids, playback: { index: 0, steps: 3, from: '2026-05-01T00:00:00.000Z', to: '2026-05-02T00:00:00.000Z' } })
    expect(await page.locator('#legend').innerText()).toContain('2026-05-01 – 2026-05-02')
    await page.click('#pb-play')
    await page.waitForFunction(() => {
      const p = (window as unknown as { __gridwatch: AnalystProbe }).__gridwatch
      return (p.playback?.index === 2 && !p.playback.playing) || p.error
    }, null, { timeout: 60_000 })
    p = await probeOf()
    expect(p.error).toBeUndefined()
    expect(p.playback?.to).toBe('2026-05-04T00:00:00.000Z')
    expect(await page.locator('#pb-slider').inputValue()).toBe('2')
    expect(await page.locator('#pb-label').innerText()).toContain('3/3')
    expect(page.url()).toBe(url)
    await page.screenshot({ path: `${ARTIFACTS}/analyst-playback.png` })

    await page.selectOption('#pb-unit', 'hour')
    await page.click('#pb-next')
    await page.waitForFunction(() => {
      const p = (window as unknown as { __gridwatch: AnalystProbe }).__gridwatch
      return (p.ready && p.playback?.steps === 72) || p.error
    }, null, { timeout: 30_000 })
    p = await probeOf()
    expect(p.playback).toMatchObject({ index: 0, to: '2026-05-01T01:00:00.000Z' })
    problems.assertClean()
    await context.close()
  })

  it('offers "same weeks last year" of the window shown and "last month" as presets', async () => {
    const { page, problems, context } = await openWatchedPage(browser, { width: 1400, height: 900 })
    const ready = (from: string) =>
      page.waitForFunction((f) => {
        const p = (window as unknown as { __gridwatch: AnalystProbe }).__gridwatch
        return (p.ready && new URL(location.href).searchParams.get('from')?.startsWith(f)) || p.error
      }, from, { timeout: 60_000 })
    await page.goto(`${server.url}/analyst?layer=counts&${WINDOW}&token=${token}`)
    await ready('2026')
    await page.click('button[data-preset=last-year]')
    await ready('2025')
    // 52 weeks back: 2026-03-03 (a Tuesday) -> 2025-03-04 (a Tuesday).
    expect(await page.inputValue('input[name=from]')).toBe('2025-03-04')
    expect(await page.inputValue('input[name=to]')).toBe('2025-06-02')
    expect(await page.locator('#legend').innerText()).toContain('2025-03-04')
    await page.click('button[data-preset=last-month]')
    await page.waitForFunction(() => (document.querySelector('input[name=to]') as HTMLInputElement).value !== '2025-06-02')
    expect(await page.inputValue('input[name=from]')).toMatch(/^\d{4}-\d{2}-01$/)
    expect(await page.inputValue('input[name=to]')).toMatch(/^\d{4}-\d{2}-01$/)
    problems.assertClean()
    await context.close()
  })

  it('goes to the login page when the session ends, coming back to the same view', async () => {
    const user = await createTestUser(server.db, { role: 'analyst', areas: [city] })
    const { page, problems, context } = await openWatchedPage(browser, { width: 1200, height: 800 })
    await page.goto(`${server.url}/analyst?layer=counts&${WINDOW}&token=${user.token}`)
    await page.waitForFunction(() => (window as unknown as { __gridwatch: AnalystProbe }).__gridwatch.ready, null, { timeout: 60_000 })
    const before = new URL(page.url())
    const out = await fetch(`${server.url}/api/v1/auth/logout`, { method: 'POST', headers: user.headers })
    expect(out.ok).toBe(true)
    await page.click('button[type=submit]')
    await page.waitForURL(/\/login\?next=/, { timeout: 15_000 })
    // The view as it was when the session ended (the form's submit had just put it in the URL).
    const next = new URL(new URL(page.url()).searchParams.get('next')!, server.url)
    expect(next.pathname).toBe('/analyst')
    expect(next.searchParams.get('layer')).toBe('counts')
    expect(next.searchParams.get('from')).toBe(before.searchParams.get('from'))
    expect(next.searchParams.get('token')).toBeNull()
    expect(problems.consoleErrors.filter((e) => !/status of 401/.test(e))).toEqual([])
    await context.close()
  })
})
