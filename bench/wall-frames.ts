/**
 * The wall's frame time in headless Chromium (Debian's, software-rendered like the CI machine) with the heaviest
 * scene we promise: 10,000 units, a 500,000-point incident heatmap and every area polygon (streets, communities,
 * grids: MapLibre outlines and labels, the deck.gl grid fill). Baseline: the same scene with no live updates;
 * measured: the same scene while every unit reports once a second (10,000 moves/s in 10 Hz frames from the real
 * live hub over Socket.IO). Frame time = the interval between animation frames, in the page. Static and live
 * alternate (`--rounds`), so a change in the machine's load hits both.
 */
import { mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import type { Page } from 'playwright-core'
import { numFlag } from './lib/args.ts'
import { descendantsCpuProbe } from './lib/proc-stats.ts'
import { clearPositions, openCity } from './lib/bench-db.ts'
import { int, ms, times, type BenchContext, type BenchReport } from './lib/report.ts'
import { CLIENT_DIST } from '../server/app.ts'
import { ensureClientBuilt } from '../server/client-build.ts'
import { loadConfig } from '../server/config/config.ts'
import type { StoredFix } from '../server/ingest/stored-fix.ts'
import { startServer } from '../server/start.ts'
import { launchBrowser } from '../server/testing/browser.ts'
import { createTestUser } from '../server/testing/test-users.ts'
import { ensureDemoCity } from '../seeds/seed-city.ts'

/** Trails fade over 30 s after the last move; a static phase starts once they are gone. */
const QUIET_MS = 32_000
const TARGET = 1.5

export async function wallFramesBench({ args, city, log }: BenchContext): Promise<BenchReport> {
  const unitCount = numFlag(args, 'wall-units', 10_000, 2_000)
  const heatPoints = numFlag(args, 'heat-points', 500_000, 100_000)
  const seconds = numFlag(args, 'seconds', 15, 6)
  const rounds = numFlag(args, 'rounds', 2, 1)
  /** `--hide=heatmap,unit-trails`: leave deck.gl layers out, to see what each costs. */
  const hide = args.flags.get('hide')
  /** `--prof`: where the page's main thread spent the last live phase. */
  const profile = args.flags.get('prof') === 'true'
  let hotFunctions: string[] = []

  // The basemap is baked once and kept beside the benchmark city's dump.
  const dataDir = join(tmpdir(), 'gridwatch-bench', 'wall-data')
  mkdirSync(dataDir, { recursive: true })
  const opened = await openCity(city.source)
  const { db } = opened
  const quiet = pino({ level: 'silent' })
  let stopPublishing = () => {}
  try {
    await ensureClientBuilt(CLIENT_DIST, log)
    await ensureDemoCity(db, { dataDir, incidents: 0, units: 0 }, log)
    const cityCode = (await db.query<{ code: string }>(`SELECT code FROM admin_area WHERE level = 'city' LIMIT 1`)).rows[0].code
    const areas = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM admin_area WHERE level IN ('street', 'community', 'grid')`)).rows[0].n
    const grids = (
      await db.query<{ code: string; lon: number; lat: number }>(
        `SELECT code, ST_X(ST_PointOnSurface(geom)) AS lon, ST_Y(ST_PointOnSurface(geom)) AS lat FROM admin_area WHERE level = 'grid' ORDER BY code`,
      )
    ).rows
    const fleet = await placeUnits(db, unitCount, grids)
    log.info(`wall-frames: ${int(fleet.length)} units placed over ${int(grids.length)} grids`)

    const config = loadConfig({
      PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, SIMULATOR: 'off', LOG_LEVEL: 'silent', MQTT_PORT: 'off',
      VIDEO_TEST_STREAMS: 'off', ADMIN_PASSWORD: 'bench-wall-frames-not-for-login',
    })
    const server = await startServer(config, quiet, { db })
    const browser = await launchBrowser()
    try {
      const display = await createTestUser(db, { role: 'wall', areas: [cityCode] })
      const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 })
      const page = await context.newPage()
      // The whole city, units coloured grids (every grid filled), the heatmap over it.
      await page.goto(`${server.url}/wall?scenes=city&dwell=3600&measure=units&heat=on${hide ? `&hide=${hide}` : ''}&token=${display.token}`)
      await page.waitForFunction(
        (n) => {
          const p = (window as unknown as { __gridwatch?: { ready: boolean; layers: { unitsWithFix: number } } }).__gridwatch
          return p?.ready && p.layers.unitsWithFix >= n
        },
        fleet.length,
        { timeout: 180_000, polling: 500 },
      )
      // tsx keeps function names with a `__name` helper that the page does not have.
      await page.evaluate('globalThis.__name = (f) => f')
      await loadHeat(page, grids, heatPoints)
      log.info(`wall-frames: page ready, ${int(heatPoints)} heat points loaded`)

      const publisher = startPublishing(server.hub.publishPositions.bind(server.hub), fleet)
      stopPublishing = publisher.stop
      const staticRuns: number[][] = []
      const liveRuns: number[][] = []
      const moves = { before: 0, after: 0 }
      /** How often the page handed deck.gl new layers, per phase: a paced page redraws units less often. */
      const redraws = { static: 0, live: 0 }
      const redrawCount = () => page.evaluate(() => (window as unknown as { __gridwatch: { frames: number } }).__gridwatch.frames)
      // MapLibre's own repaints: each draws the basemap, the grid fill and the heatmap again.
      await page.evaluate(() => {
        const w = window as unknown as { __wallDebug: { map: { on(e: string, f: () => void): void } }; __mapRenders: number }
        w.__mapRenders = 0
        w.__wallDebug.map.on('render', () => w.__mapRenders++)
      })
      const mapRenders = () => page.evaluate(() => (window as unknown as { __mapRenders: number }).__mapRenders)
      const repaints = { static: 0, live: 0 }
      // The browser's CPU seconds per phase: what the scene costs to draw, whatever else the machine is doing.
      const browserCpu = descendantsCpuProbe(process.pid)
      const cpu = { static: 0, live: 0 }
      for (let r = 0; r < rounds; r++) {
        publisher.pause()
        await page.waitForTimeout(QUIET_MS)
        log.info(`wall-frames: round ${r + 1}/${rounds}, static ${seconds} s`)
        let before = await redrawCount()
        let cpu0 = browserCpu()
        let renders0 = await mapRenders()
        staticRuns.push(await frameTimes(page, seconds * 1000))
        cpu.static += browserCpu() - cpu0
        repaints.static += (await mapRenders()) - renders0
        redraws.static += (await redrawCount()) - before
        publisher.resume()
        await page.waitForTimeout(3000)
        log.info(`wall-frames: round ${r + 1}/${rounds}, live ${seconds} s`)
        moves.before = publisher.sent
        const profiling = profile && r === rounds - 1 ? await startPageProfile(page) : null
        before = await redrawCount()
        cpu0 = browserCpu()
        renders0 = await mapRenders()
        liveRuns.push(await frameTimes(page, seconds * 1000))
        cpu.live += browserCpu() - cpu0
        repaints.live += (await mapRenders()) - renders0
        redraws.live += (await redrawCount()) - before
        if (profiling) hotFunctions = await profiling.stop()
        moves.after = publisher.sent
      }
      publisher.stop()
      const cpuShare = (used: number) => `${((used / (rounds * seconds)) * 100).toFixed(0)} % of a core`
      const s = stats(staticRuns.flat())
      const l = stats(liveRuns.flat())
      const drawn = await page.evaluate(() => (window as unknown as { __gridwatch: { layers: { heat: number; grids: number } } }).__gridwatch.layers)
      const zoom = await page.evaluate(() => (window as unknown as { __wallDebug: { map: { getZoom(): number } } }).__wallDebug.map.getZoom())
      await context.close()
      return {
        name: 'wall-frames',
        title: `wall frame time, ${int(fleet.length)} units + ${int(drawn.heat)} heat points + ${int(areas)} area polygons, 1920×1080`,
        rows: [
          { what: 'static scene (no live updates): median / p95', value: `${ms(s.p50)} / ${ms(s.p95)}` },
          {
            what: `live scene (${int(fleet.length)} moves/s in 10 Hz frames): median / p95`,
            value: `${ms(l.p50)} / ${ms(l.p95)}`,
            baseline: `${ms(s.p50)} / ${ms(s.p95)}`,
            ratio: `${times(l.p50 / s.p50)} / ${times(l.p95 / s.p95)}`,
            target: `≤ ${TARGET}×`,
            met: l.p50 / s.p50 <= TARGET && l.p95 / s.p95 <= TARGET,
          },
          { what: 'frames per second, static / live', value: `${(1000 / s.mean).toFixed(1)} / ${(1000 / l.mean).toFixed(1)}` },
          { what: 'layer redraws per second, static / live', value: `${(redraws.static / (rounds * seconds)).toFixed(1)} / ${(redraws.live / (rounds * seconds)).toFixed(1)}` },
          { what: 'map repaints per second, static / live', value: `${(repaints.static / (rounds * seconds)).toFixed(1)} / ${(repaints.live / (rounds * seconds)).toFixed(1)}` },
          {
            what: 'browser CPU (renderer, GPU and other processes), static / live',
            value: `${cpuShare(cpu.static)} / ${cpuShare(cpu.live)}`,
          },
          { what: 'share of time in frames over 100 ms, static / live', value: `${pct(slowShare(staticRuns.flat()))} / ${pct(slowShare(liveRuns.flat()))}` },
        ],
        notes: [
          `${rounds} round(s) of ${seconds} s static then ${seconds} s live; ${int(s.n)} and ${int(l.n)} frames; a static phase starts ${QUIET_MS / 1000} s after the last move (trails faded); the whole city at map zoom ${zoom.toFixed(1)}`,
          `browser CPU per redraw of the moving layers, above the static scene's: ${ms(((cpu.live - cpu.static) * 1000) / Math.max(1, redraws.live))} (both phases ${int(rounds * seconds)} s)`,
          `moves published through the live hub during the last live phase: ${int(moves.after - moves.before)}`,
          'headless Chromium with --disable-gpu (SwiftShader): frame times are a software renderer\'s, on the same 2 cores as the server',
          ...hotFunctions,
        ],
      }
    } finally {
      stopPublishing()
      await browser.close()
      server.http.closeAllConnections()
      await server.close()
    }
  } finally {
    await clearPositions(db).catch(() => undefined)
    await opened.close()
  }
}

interface Driven {
  id: string
  grid: string
  lon: number
  lat: number
  home: [number, number]
  heading: number
}

/** Units spread over the grids (a few per grid), their latest positions stored so the page's snapshot has them. */
async function placeUnits(db: import('../server/db/db.ts').Db, n: number, grids: { code: string; lon: number; lat: number }[]): Promise<Driven[]> {
  const ids = (await db.query<{ id: string }>(`SELECT id FROM unit ORDER BY id LIMIT $1`, [n])).rows.map((r) => r.id)
  let seed = 42
  const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31)
  const fleet = ids.map((id, i) => {
    const g = grids[i % grids.length]
    const lon = g.lon + (rnd() - 0.5) * 0.002
    const lat = g.lat + (rnd() - 0.5) * 0.002
    return { id, grid: g.code, lon, lat, home: [lon, lat] as [number, number], heading: Math.floor(rnd() * 360) }
  })
  await clearPositions(db)
  await db.query(
    `INSERT INTO unit_position_latest (unit_id, device_time, server_time, geom, speed_mps, heading_deg, grid_code, source)
     SELECT id, now(), now(), ST_SetSRID(ST_MakePoint(lon, lat), 4326), 8, heading, grid, 'bulk'
     FROM unnest($1::text[], $2::float8[], $3::float8[], $4::float8[], $5::text[]) AS t(id, lon, lat, heading, grid)`,
    [fleet.map((u) => u.id), fleet.map((u) => u.lon), fleet.map((u) => u.lat), fleet.map((u) => u.heading), fleet.map((u) => u.grid)],
  )
  await db.query(`UPDATE unit SET status = 'available' WHERE id = ANY($1::text[])`, [ids])
  return fleet
}

/** Every unit once a second, a tenth of them every 100 ms, ~8 m/s around where it started. */
function startPublishing(publish: (fixes: StoredFix[]) => void, fleet: Driven[]) {
  let paused = true
  let next = 0
  const slice = Math.ceil(fleet.length / 10)
  const state = { sent: 0 }
  const timer = setInterval(() => {
    if (paused) return
    const now = new Date()
    const fixes: StoredFix[] = []
    for (let k = 0; k < slice; k++) {
      const u = fleet[next]
      next = (next + 1) % fleet.length
      const a = (u.heading * Math.PI) / 180
      u.lon += Math.sin(a) * 9.8e-5
      u.lat += Math.cos(a) * 7.2e-5
      // Back towards home when it wanders too far, so it stays in its grid's neighbourhood.
      if (Math.hypot(u.lon - u.home[0], u.lat - u.home[1]) > 0.003) u.heading = (u.heading + 180) % 360
      fixes.push({
        source: 'bulk', deviceId: u.id, unitId: u.id, deviceTime: now, serverTime: now, lon: u.lon, lat: u.lat,
        speedMps: 8, headingDeg: u.heading, accuracyM: 5, altitudeM: null, batteryPct: null,
        gridCode: u.grid, verdict: 'accepted', transition: null,
      })
    }
    publish(fixes)
    state.sent += fixes.length
  }, 100)
  return {
    get sent() {
      return state.sent
    },
    pause: () => (paused = true),
    resume: () => (paused = false),
    stop: () => clearInterval(timer),
  }
}

/** Incident-like clusters: most points around a few hot grids, the rest spread thinly, made in the page. */
async function loadHeat(page: Page, grids: { lon: number; lat: number }[], n: number): Promise<void> {
  await page.evaluate(
    ({ centres, n }) => {
      let seed = 7
      const rnd = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31)
      const gauss = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd())
      const pts = new Float64Array(2 * n)
      for (let i = 0; i < n; i++) {
        // Power-law choice of grid: a handful of hotspots carry most incidents.
        const c = centres[Math.floor(centres.length * rnd() ** 3)]
        const spread = rnd() < 0.8 ? 0.002 : 0.01
        pts[2 * i] = c[0] + gauss() * spread
        pts[2 * i + 1] = c[1] + gauss() * spread * 0.8
      }
      ;(window as unknown as { __wallDebug: { setHeatPoints(p: Float64Array): void } }).__wallDebug.setHeatPoints(pts)
    },
    { centres: grids.map((g) => [g.lon, g.lat]), n },
  )
  // The first aggregation of the points happens on the next frames.
  await page.waitForTimeout(5000)
}

/** The page's main-thread CPU profile; stop() lists the functions with the most self time. */
async function startPageProfile(page: Page): Promise<{ stop(): Promise<string[]> }> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.start')
  return {
    async stop() {
      const { profile } = await cdp.send('Profiler.stop')
      const dt = profile.timeDeltas ?? []
      const self = new Map<number, number>()
      ;(profile.samples ?? []).forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0)))
      const total = [...self.values()].reduce((a, b) => a + b, 0)
      const byName = new Map<string, number>()
      for (const n of profile.nodes) {
        const f = n.callFrame
        const name = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`
        byName.set(name, (byName.get(name) ?? 0) + (self.get(n.id) ?? 0))
      }
      return [...byName].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([name, us]) => `page CPU ${((100 * us) / total).toFixed(1)}%: ${name}`)
    },
  }
}

/** Intervals between animation frames over a window, measured in the page. */
function frameTimes(page: Page, windowMs: number): Promise<number[]> {
  return page.evaluate(
    (windowMs) =>
      new Promise<number[]>((resolve) => {
        const out: number[] = []
        let last = -1
        let start = -1
        const step = (t: number) => {
          if (start < 0) start = t
          else out.push(t - last)
          last = t
          if (t - start < windowMs) requestAnimationFrame(step)
          else resolve(out)
        }
        requestAnimationFrame(step)
      }),
    windowMs,
  )
}

/** Frame-count statistics hide a few very long frames among many short ones: the time spent in slow frames. */
function slowShare(xs: number[]): number {
  const total = xs.reduce((a, b) => a + b, 0)
  return total > 0 ? xs.filter((x) => x > 100).reduce((a, b) => a + b, 0) / total : 0
}

const pct = (x: number) => `${Math.round(100 * x)} %`

function stats(xs: number[]): { n: number; mean: number; p50: number; p95: number } {
  const s = [...xs].sort((a, b) => a - b)
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]
  return { n: s.length, mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length), p50: q(0.5), p95: q(0.95) }
}
