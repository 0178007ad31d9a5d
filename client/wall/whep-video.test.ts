import { mkdirSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signedHeaders } from '../../server/alerts/webhook-signature.ts'
import { distinctColours, launchBrowser, openWatchedPage } from '../../server/testing/browser.ts'
import { startDemoServer } from '../../server/testing/demo-server.ts'
import { freePort } from '../../server/testing/free-port.ts'
import { createTestUser } from '../../server/testing/test-users.ts'
import { startWhepStandIn, type WhepStandIn } from '../../server/testing/whep-stand-in.ts'
import { snapshotJpeg } from './test-support/camera-fixtures.ts'
import type { WallProbe } from './probe.ts'

const ARTIFACTS = 'test-artifacts'
const WEBHOOK_SECRET = 'whep-test-webhook-secret'
/**
 * Host addresses in Chromium's SDP instead of mDNS names: no multicast on the network for them (the stand-in takes
 * only loopback candidates and learns the browser's address from its connectivity checks).
 */
const WEBRTC_ARGS = ['--disable-features=WebRtcHideLocalIpsWithMdns']
/**
 * The stream watchdog's limits for the tests that are not about it: here werift answers in the test's own process
 * and Chromium draws in software on a shared machine, so a first frame can take longer than the wall's default
 * 10 s (seen: none by then in a takeover card during its flight, load average 5–10). The watchdog has a test of its own.
 */
const PATIENT = 'videostart=120&videostall=120'

/** How each camera of the test is set up. */
interface Cameras {
  /** WHEP at the stand-in, which plays. */
  live: string
  /** WHEP at the stand-in on a path nobody publishes: MediaMTX's 404. */
  unpublished: string
  /** WHEP at a listed origin where nothing listens. */
  down: string
  /** WHEP at an origin not in MEDIA_ORIGINS. */
  unlisted: string
}

/*
 * The wall's WebRTC path end to end: a camera whose stream is WHEP, served by a stand-in for MediaMTX (werift fed
 * by ffmpeg's VP8 test pattern, server/testing/whep-stand-in.ts), plays in its mosaic tile in headless Chromium;
 * cameras whose endpoint refuses, is down or is not an allowed media origin show their snapshot instead, and so
 * does a stream that connects but sends no frame, or stops sending.
 */
describe('wall plays WHEP (WebRTC) streams in headless Chromium', () => {
  let whep: WhepStandIn
  let server: Awaited<ReturnType<typeof startDemoServer>>
  let browser: Browser
  let wallUrl: (query: string) => string
  let dispatcherHeaders: Record<string, string>
  let cams: Cameras
  let downUrl: string
  let unlistedUrl: string

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true })
    whep = await startWhepStandIn('live-cam')
    // Same machine, other origins: `localhost` is not `127.0.0.1` to the browser, and nobody listens on the free port.
    downUrl = `http://127.0.0.1:${await freePort()}/down-cam/whep`
    unlistedUrl = whep.url.replace('127.0.0.1', 'localhost')
    const mediaOrigins = [whep.origin, new URL(downUrl).origin].join(',')
    ;[server, browser] = await Promise.all([
      startDemoServer('pglite', { WEBHOOK_SECRET, VIDEO_TEST_STREAMS: 'off', MEDIA_ORIGINS: mediaOrigins }),
      launchBrowser(WEBRTC_ARGS),
    ])
    const db = server.db
    const city = (await db.query<{ code: string }>(`SELECT code FROM admin_area WHERE level = 'city'`)).rows[0].code
    const [display, dispatcher] = await Promise.all([
      createTestUser(db, { role: 'wall', areas: [city], username: 'whep-wall' }),
      createTestUser(db, { role: 'dispatcher', areas: [city], username: 'whep-dispatcher' }),
    ])
    dispatcherHeaders = dispatcher.headers
    wallUrl = (query) => `${server.url}/wall?${query}&token=${display.token}`

    const ids = (await db.query<{ id: string }>(`SELECT id FROM camera WHERE status = 'online' AND stream_kind IS NULL ORDER BY id LIMIT 4`)).rows.map((r) => r.id)
    cams = { live: ids[0], unpublished: ids[1], down: ids[2], unlisted: ids[3] }
    const urls: Record<keyof Cameras, string> = {
      live: whep.url,
      unpublished: `${whep.origin}/nobody-publishes/whep`,
      down: downUrl,
      unlisted: unlistedUrl,
    }
    for (const k of Object.keys(cams) as (keyof Cameras)[]) {
      await db.query(`UPDATE camera SET stream_kind = 'whep', stream_url = $2 WHERE id = $1`, [cams[k], urls[k]])
    }
    // An alert with a snapshot on each camera, the live one newest (the mosaic's first tile). The stills are drawn
    // first: ffmpeg blocks the test's event loop, which should not sit between two requests.
    const order = ['unlisted', 'down', 'unpublished', 'live'] as const
    const stills = order.map((key, k) => snapshotJpeg(`${cams[key]}  ${key}`, k + 1).toString('base64'))
    const now = Date.now()
    for (const [k, key] of order.entries()) {
      const time = new Date(now - (4 - k) * 60_000).toISOString()
      await webhook({ id: `whep-${key}`, cameraId: cams[key], type: 'person', time, score: 0.9, snapshot: stills[k] })
    }
  })

  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    await whep?.stop()
  })

  it('offers a WHEP stream only on a media server in MEDIA_ORIGINS, and the page may reach exactly those', async () => {
    const res = await fetch(`${server.url}/api/v1/camera-streams`, { headers: server.headers })
    const views = new Map(((await res.json()).streams as { cameraId: string; kind: string; url: string }[]).map((s) => [s.cameraId, s]))
    expect(views.get(cams.live)).toMatchObject({ kind: 'whep', url: whep.url })
    expect(views.get(cams.down)).toMatchObject({ kind: 'whep', url: downUrl })
    expect(views.get(cams.unlisted)).toMatchObject({ kind: 'snapshot', url: `/api/v1/cameras/${cams.unlisted}/snapshot.jpg` })
    const page = await fetch(`${server.url}/wall`)
    const csp = page.headers.get('content-security-policy') ?? ''
    expect(csp).toContain(`connect-src 'self' ${whep.origin} ${new URL(downUrl).origin};`)
    expect(csp).toContain(`media-src 'self' blob: ${whep.origin} ${new URL(downUrl).origin};`)
    expect(csp).not.toContain('localhost')
  })

  it('plays the live camera over WebRTC in its mosaic tile and in a takeover, falls back to snapshots elsewhere, and ends each session with its player', async () => {
    const deletes = () => whep.requests.filter((r) => /^DELETE \/live-cam\/whep\/[0-9a-f-]{36} 200$/.test(r)).length
    const watched = await openWatchedPage(browser, { width: 1920, height: 1080 })
    const { page, problems } = watched
    await page.goto(wallUrl(`scenes=mosaic&takeover=600&${PATIENT}`))
    await waitReady(page)
    await page.waitForFunction(() => probeOf().scene === 'mosaic', null, { timeout: 10_000 })
    await page.waitForFunction((n) => document.querySelectorAll('#mosaic .mosaic-tile').length >= n, 4, { timeout: 10_000 })
    const tile = (camera: string) => `#mosaic .mosaic-tile[data-camera="${camera}"]`

    // Decoded frames: the picture's size, time moving on, frames presented (counted by the browser as they come).
    await page.waitForFunction((sel) => document.querySelector<HTMLElement>(`${sel} .cam-media`)?.dataset.showing === 'video', tile(cams.live), { timeout: 30_000 })
    await page.evaluate((sel) => {
      const v = document.querySelector<HTMLVideoElement>(`${sel} video`)!
      const w = window as unknown as { framesSeen: number }
      w.framesSeen = 0
      const count = () => {
        w.framesSeen++
        v.requestVideoFrameCallback(count)
      }
      v.requestVideoFrameCallback(count)
    }, tile(cams.live))
    const video = () =>
      page.$eval(`${tile(cams.live)} video`, (v) => {
        const el = v as HTMLVideoElement
        return { t: el.currentTime, w: el.videoWidth, h: el.videoHeight, frames: (window as unknown as { framesSeen: number }).framesSeen }
      })
    const first = await video()
    await page.waitForFunction(
      ([sel, t0]) => (document.querySelector<HTMLVideoElement>(`${sel as string} video`)?.currentTime ?? 0) > (t0 as number) + 1 && (window as unknown as { framesSeen: number }).framesSeen >= 10,
      [tile(cams.live), first.t] as const,
      { timeout: 20_000 },
    )
    const later = await video()
    expect([later.w, later.h]).toEqual([640, 360])
    expect(later.frames).toBeGreaterThanOrEqual(10)
    expect(await page.locator(`${tile(cams.live)} .cam-badge`).innerText()).toBe('实时')
    expect(whep.sessions).toBe(1)
    // The test pattern itself, not a black frame: colour bars and a gradient give far more than a few colours.
    expect(await distinctColours(page, await page.locator(`${tile(cams.live)} video`).screenshot())).toBeGreaterThan(100)

    // The others: refused (404), down, not an allowed origin: each shows its alert's snapshot, none plays.
    await page.waitForFunction(
      (sels) => sels.every((sel) => (document.querySelector<HTMLImageElement>(`${sel} img`)?.naturalWidth ?? 0) > 0),
      [tile(cams.unpublished), tile(cams.down), tile(cams.unlisted)],
      { timeout: 15_000 },
    )
    for (const cam of [cams.unpublished, cams.down, cams.unlisted]) {
      expect(await page.locator(`${tile(cam)} .cam-media`).getAttribute('data-showing'), cam).toBe('snapshot')
      expect(await page.locator(`${tile(cam)} video`).count(), cam).toBe(0)
    }
    await page.waitForTimeout(300)
    await page.screenshot({ path: `${ARTIFACTS}/wall-whep.png` })

    // A new alert on the live camera takes the wall over: the mosaic's player goes (its session deleted), the
    // card plays the camera over a session of its own.
    await webhook({ id: 'whep-live-2', cameraId: cams.live, type: 'fire', time: new Date().toISOString(), score: 0.95 })
    await page.waitForFunction(() => probeOf().takeover?.kind === 'alert', null, { timeout: 10_000 })
    await expect.poll(() => deletes(), { timeout: 10_000 }).toBe(1)
    await page.waitForFunction(() => (document.querySelector<HTMLVideoElement>('#takeover video')?.currentTime ?? 0) > 1, null, { timeout: 30_000 })
    const card = await page.$eval('#takeover video', (v) => [(v as HTMLVideoElement).videoWidth, (v as HTMLVideoElement).videoHeight])
    expect(card).toEqual([640, 360])
    expect(await page.locator('#takeover .cam-badge').innerText()).toBe('实时')
    expect(whep.sessions).toBe(1)
    await page.screenshot({ path: `${ARTIFACTS}/wall-whep-takeover.png` })

    // Acknowledged at a console: the card and its session go, the mosaic comes back with both of the camera's
    // alerts, each tile playing over a session of its own.
    const alert = (await server.db.query<{ id: number }>(`SELECT id::int FROM camera_alert WHERE camera_id = $1 ORDER BY id DESC LIMIT 1`, [cams.live])).rows[0]
    const ack = await fetch(`${server.url}/api/v1/camera-alerts/${alert.id}/acknowledge`, { method: 'POST', headers: dispatcherHeaders })
    expect(ack.status).toBe(200)
    await page.waitForFunction(() => probeOf().takeover === null && probeOf().scene === 'mosaic', null, { timeout: 10_000 })
    await page.waitForFunction(
      (sel) => [...document.querySelectorAll<HTMLElement>(`${sel} .cam-media`)].filter((m) => m.dataset.showing === 'video').length === 2,
      tile(cams.live),
      { timeout: 30_000 },
    )
    await expect.poll(() => deletes(), { timeout: 10_000 }).toBe(2)
    expect(whep.sessions).toBe(2)

    // What the stand-in saw besides: the unpublished path refused, nothing for the unlisted origin (the same
    // server under another name, so its requests would show here).
    expect(whep.requests.filter((r) => r.startsWith('POST /live-cam/whep 201'))).toHaveLength(4)
    expect(whep.requests.some((r) => r.startsWith('POST /nobody-publishes/whep 404'))).toBe(true)
    expect(whep.requests.filter((r) => !/^(OPTIONS|POST) \/(live-cam|nobody-publishes)\/whep \d+$|^(OPTIONS|DELETE) \/live-cam\/whep\/[0-9a-f-]{36} (200|204)$/.test(r))).toEqual([])

    // The only console errors: the browser reporting the refused and the failed WHEP request, nothing uncaught,
    // no Content-Security-Policy violation, no request off this machine.
    const unexpected = problems.consoleErrors.filter((e) => !isFailedLoadOf(e, [`${whep.origin}/nobody-publishes/whep`, downUrl]))
    expect(unexpected).toEqual([])
    expect(problems.foreignRequests).toEqual([])

    // The page goes (a wall reloading): every session is deleted on the way out. Told here by the event alone:
    // with request interception on (openWatchedPage), Playwright answers CORS preflights itself and drops those
    // of a page being unloaded; the real unload is the next test's.
    await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide')))
    await expect.poll(() => whep.sessions, { timeout: 10_000 }).toBe(0)
    expect(deletes()).toBe(4)
    await watched.context.close()
  })

  it("passes Chromium's own CORS checks against MediaMTX's headers, and deletes its session when the page is left", async () => {
    // No request interception here, so the browser sends its preflights itself; every request is still recorded.
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } })
    const requested: string[] = []
    const errors: string[] = []
    context.on('request', (r) => requested.push(r.url()))
    const page = await context.newPage()
    page.on('console', (m) => m.type() === 'error' && errors.push(`${m.text()} (${m.location().url})`))
    page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`))
    const seen = whep.requests.length
    await page.goto(wallUrl(`scenes=mosaic&takeover=600&${PATIENT}`))
    await waitReady(page)
    await page.waitForFunction(
      (cam) => [...document.querySelectorAll<HTMLElement>(`#mosaic .mosaic-tile[data-camera="${cam}"] .cam-media`)].some((m) => m.dataset.showing === 'video'),
      cams.live,
      { timeout: 45_000 },
    )
    await expect.poll(() => whep.sessions, { timeout: 10_000 }).toBe(2)
    await page.goto('about:blank')
    await expect.poll(() => whep.sessions, { timeout: 10_000 }).toBe(0)
    const mine = whep.requests.slice(seen).filter((r) => r.includes('/live-cam/'))
    // Preflight then request, for the offers and for the deletes.
    expect(mine.filter((r) => /^OPTIONS \/live-cam\/whep 204$/.test(r)).length).toBeGreaterThanOrEqual(1)
    expect(mine.filter((r) => /^POST \/live-cam\/whep 201$/.test(r))).toHaveLength(2)
    expect(mine.filter((r) => /^OPTIONS \/live-cam\/whep\/[0-9a-f-]{36} 204$/.test(r))).toHaveLength(2)
    expect(mine.filter((r) => /^DELETE \/live-cam\/whep\/[0-9a-f-]{36} 200$/.test(r))).toHaveLength(2)
    expect(errors.filter((e) => !isFailedLoadOf(e, [`${whep.origin}/nobody-publishes/whep`, downUrl]))).toEqual([])
    expect(requested.filter((u) => !/^(https?:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/|about:|data:|blob:)/.test(u))).toEqual([])
    await context.close()
  })

  it('falls back to the snapshot when a stream connects but shows nothing, or stops, and tries it again later', async () => {
    const { context, page, problems } = await openWatchedPage(browser, { width: 1920, height: 1080 })
    await page.addInitScript(recordCameraMedia)
    const seen = whep.requests.length
    const deletes = () => whep.requests.slice(seen).filter((r) => /^DELETE \/live-cam\/whep\/[0-9a-f-]{36} 200$/.test(r)).length
    const live = (sel: string) => `#mosaic .mosaic-tile[data-camera="${cams.live}"] ${sel}`
    // A fallback shows the alert's snapshot, or "no picture" for an alert that came without one.
    const isFallback = (e: MediaEvent) => e.what === 'snapshot' || e.what === 'none'
    const steps = (log: MediaEvent[]) => log.map((e) => (isFallback(e) ? 'fallback' : e.what))
    const fallback = (log: MediaEvent[], nth: number) => log.filter(isFallback)[nth].t
    const started = (log: MediaEvent[], nth: number) => log.filter((e) => e.what === 'stream')[nth].t
    // What each of the camera's tiles went through (one per alert, side by side), once each has fallen back this often.
    const records = async (fallbacks: number, timeout: number) => {
      await page.waitForFunction(
        ([sel, n]) => {
          const tiles = [...document.querySelectorAll(sel)].map((el) => mediaRecordOf(el).log)
          return tiles.length > 0 && tiles.every((log) => log.filter((e) => e.what === 'snapshot' || e.what === 'none').length >= n)
        },
        [live('.cam-media'), fallbacks] as const,
        { timeout },
      )
      return page.evaluate((sel) => [...document.querySelectorAll(sel)].map((el) => mediaRecordOf(el)), live('.cam-media'))
    }

    // Answered and connected, but not a frame: the fallback after the start timeout, the session deleted. That is
    // 20 s here rather than the default 10 s, so the stalling stream below surely starts in time on a busy machine.
    whep.sendFrames(0)
    await page.goto(wallUrl('scenes=mosaic&takeover=600&videostart=20'))
    await waitReady(page)
    const silent = await records(1, 60_000)
    const tiles = silent.length
    for (const { log, frames } of silent) {
      expect(steps(log)).toEqual(['stream', 'fallback'])
      expect(frames.count).toBe(0)
      // A start is logged a little late (once the task that built the tile is done): hence half a second's slack.
      expect(fallback(log, 0) - started(log, 0)).toBeGreaterThanOrEqual(19_500)
      expect(fallback(log, 0) - started(log, 0)).toBeLessThan(24_000)
    }
    await expect.poll(() => deletes(), { timeout: 10_000 }).toBe(tiles)
    expect(whep.sessions).toBe(0)
    expect(await page.locator(live('video')).count()).toBe(0)
    const withSnapshot = page.locator(`#mosaic .mosaic-tile[data-camera="${cams.live}"]:has(.cam-media[data-showing="snapshot"])`).first()
    await page.waitForTimeout(300)
    await withSnapshot.screenshot({ path: `${ARTIFACTS}/wall-whep-no-frames.png` })

    // Tried again 20 s later; this time three seconds of frames, then none: the fallback after the default stall
    // timeout (8 s).
    whep.sendFrames(45)
    for (const { log, frames } of await records(2, 60_000)) {
      expect(steps(log)).toEqual(['stream', 'fallback', 'stream', 'video', 'fallback'])
      expect(log[1].what).toBe(log[4].what)
      // The retry is due 20 s after the fallback, itself 20 s after the start.
      expect(started(log, 1) - started(log, 0)).toBeGreaterThanOrEqual(39_500)
      expect(started(log, 1) - started(log, 0)).toBeLessThan(44_000)
      expect(frames.count).toBeGreaterThanOrEqual(10)
      expect(fallback(log, 1) - frames.last).toBeGreaterThanOrEqual(8_000)
      expect(fallback(log, 1) - frames.last).toBeLessThan(12_000)
    }
    await expect.poll(() => deletes(), { timeout: 10_000 }).toBe(2 * tiles)
    expect(whep.sessions).toBe(0)
    expect(whep.requests.slice(seen).filter((r) => /^POST \/live-cam\/whep 201$/.test(r))).toHaveLength(2 * tiles)
    expect(await page.locator(live('video')).count()).toBe(0)
    expect(await withSnapshot.locator('.cam-badge').innerText()).toBe('快照')
    await page.waitForTimeout(300)
    await withSnapshot.screenshot({ path: `${ARTIFACTS}/wall-whep-stalled.png` })
    expect(problems.consoleErrors.filter((e) => !isFailedLoadOf(e, [`${whep.origin}/nobody-publishes/whep`, downUrl]))).toEqual([])
    whep.sendFrames(null)
    await context.close()
  })

  // helpers that need the server
  async function webhook(body: object): Promise<void> {
    const raw = JSON.stringify(body)
    const res = await fetch(`${server.url}/api/v1/camera-alerts`, { method: 'POST', body: raw, headers: { 'content-type': 'application/json', ...signedHeaders(WEBHOOK_SECRET, raw) } })
    if (res.status !== 201) throw new Error(`webhook: HTTP ${res.status} ${await res.text()}`)
  }
})

declare function probeOf(): WallProbe

/** A camera picture's changes as the page saw them: a stream started (its video added), or what it shows now. */
interface MediaEvent {
  what: 'stream' | 'video' | 'snapshot' | 'none'
  t: number
}
/** What `recordCameraMedia` keeps for a camera picture (`.cam-media`): its log, and its latest stream's frames. */
declare function mediaRecordOf(el: Element): { log: MediaEvent[]; frames: { count: number; last: number } }

/**
 * Run in the page before its own scripts: logs each camera picture's changes, timed by the page's clock, and counts
 * its stream's presented frames (the last one's time with them), for the watchdog's timings.
 */
function recordCameraMedia(): void {
  const records = new WeakMap<Element, ReturnType<typeof mediaRecordOf>>()
  const recordOf = (el: Element) => records.get(el) ?? records.set(el, { log: [], frames: { count: 0, last: 0 } }).get(el)!
  Object.assign(window, { mediaRecordOf: recordOf })
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      const target = m.target as HTMLElement
      if (m.type === 'attributes') recordOf(target).log.push({ what: target.dataset.showing as MediaEvent['what'], t: performance.now() })
      for (const added of m.addedNodes) {
        if (!(added instanceof Element)) continue
        for (const video of added instanceof HTMLVideoElement ? [added] : added.querySelectorAll('video')) {
          const record = recordOf(video.parentElement!)
          record.log.push({ what: 'stream', t: performance.now() })
          const frames = (record.frames = { count: 0, last: 0 })
          const count = (now: number) => {
            frames.count++
            frames.last = now
            video.requestVideoFrameCallback(count)
          }
          video.requestVideoFrameCallback(count)
        }
      }
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-showing'] })
}

/** Waits for the wall to report ready, and makes `probeOf()` available inside page functions. */
async function waitReady(page: Page): Promise<void> {
  // Evaluated by the test driver, so the page's Content-Security-Policy (no inline scripts) does not apply.
  await page.evaluate(() => Object.assign(window, { probeOf: () => (window as unknown as { __gridwatch: WallProbe }).__gridwatch }))
  await page.waitForFunction(() => probeOf().ready || probeOf().error, null, { timeout: 90_000 })
  expect(await page.evaluate(() => probeOf().error)).toBeUndefined()
}

/** Chromium's own line for a request that failed or was refused, about one of these URLs. */
function isFailedLoadOf(consoleError: string, urls: readonly string[]): boolean {
  return consoleError.startsWith('Failed to load resource') && urls.some((u) => consoleError.endsWith(`(${u})`))
}
