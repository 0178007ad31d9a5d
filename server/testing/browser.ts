import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

const CHROMIUM = '/usr/bin/chromium'
// Everything that could make the browser talk to the internet on its own is off, so a test sees only our traffic.
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
]
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])
// Schemes that never reach the network.
const LOCAL_SCHEMES = new Set(['data:', 'blob:', 'about:'])

/** @param extraArgs more Chromium switches, for a test that needs them (e.g. WebRTC's). */
export function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: [...ARGS, ...extraArgs] })
}

function isLocalUrl(url: string): boolean {
  const u = new URL(url)
  return LOCAL_SCHEMES.has(u.protocol) || LOCAL_HOSTS.has(u.hostname)
}

/** What a page did wrong: console errors, uncaught exceptions and any attempt to leave localhost. */
export interface PageProblems {
  consoleErrors: string[]
  foreignRequests: string[]
  /** Throws listing every problem, so a test fails with all of them at once. */
  assertClean(): void
}

export interface WatchedPage {
  context: BrowserContext
  page: Page
  problems: PageProblems
}

/**
 * A fresh context and page whose non-localhost requests are recorded and aborted, never sent: the app must
 * work offline, and a test must not pass because the machine happened to be online.
 */
export async function openWatchedPage(
  browser: Browser,
  viewport: { width: number; height: number } = { width: 1920, height: 1080 },
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 })
  const consoleErrors: string[] = []
  const foreignRequests: string[] = []
  await context.route(
    (url) => !isLocalUrl(url.href),
    (route) => {
      foreignRequests.push(route.request().url())
      return route.abort('blockedbyclient')
    },
  )
  await context.routeWebSocket(
    (url) => !isLocalUrl(url.href.replace(/^ws/, 'http')),
    (ws) => {
      foreignRequests.push(ws.url())
      return ws.close()
    },
  )
  const page = await context.newPage()
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(`${msg.text()} (${msg.location().url})`)
  })
  page.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.stack ?? err.message}`))
  return {
    context,
    page,
    problems: {
      consoleErrors,
      foreignRequests,
      assertClean() {
        const lines = [
          ...consoleErrors.map((e) => `console error: ${e}`),
          ...foreignRequests.map((u) => `request left localhost: ${u}`),
        ]
        if (lines.length) throw new Error(`page problems:\n${lines.join('\n')}`)
      },
    },
  }
}

/** Distinct colours in a 160x90 thumbnail of a screenshot, decoded by the browser: a blank canvas has a handful. */
export function distinctColours(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (b64) => {
    const img = new Image()
    img.src = `data:image/png;base64,${b64}`
    await img.decode()
    const c = document.createElement('canvas')
    c.width = 160
    c.height = 90
    const ctx = c.getContext('2d')!
    ctx.drawImage(img, 0, 0, 160, 90)
    const data = ctx.getImageData(0, 0, 160, 90).data
    const seen = new Set<number>()
    for (let i = 0; i < data.length; i += 4) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2])
    return seen.size
  }, png.toString('base64'))
}

/**
 * Pixels of a screenshot within `tolerance` (per channel) of `rgb`, inside `region` ([x, y, width, height] in the
 * screenshot's pixels): whether something of that colour was really drawn, not only put in the page's state.
 */
export function pixelsOfColour(page: Page, png: Buffer, rgb: readonly [number, number, number], region: readonly [number, number, number, number], tolerance = 12): Promise<number> {
  return page.evaluate(
    async ({ b64, rgb, region, tolerance }) => {
      const img = new Image()
      img.src = `data:image/png;base64,${b64}`
      await img.decode()
      const [x, y, w, h] = region
      const c = document.createElement('canvas')
      c.width = w
      c.height = h
      const ctx = c.getContext('2d')!
      ctx.drawImage(img, x, y, w, h, 0, 0, w, h)
      const data = ctx.getImageData(0, 0, w, h).data
      let n = 0
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - rgb[0]) <= tolerance && Math.abs(data[i + 1] - rgb[1]) <= tolerance && Math.abs(data[i + 2] - rgb[2]) <= tolerance) n++
      }
      return n
    },
    { b64: png.toString('base64'), rgb, region, tolerance },
  )
}
