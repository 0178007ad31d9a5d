/**
 * Hotspots: the analyst's aggregates and statistics over 1,000,000 historical incidents in the demo city, on a
 * 90-day window (~250,000 incidents), each timed p50 over repeated runs, against the naive way measured in the
 * same run: fetch every incident of the window and look each one up (point-in-polygon over the grid index,
 * or h3-js latLngToCell), counting in JavaScript.
 *
 * The city with its incidents is built once and kept: PGlite as a dump in $TMPDIR/gridwatch-bench/, PostgreSQL
 * as a template database `gridwatch_hotspots_<version>` (each run copies it and drops the copy).
 */
import { existsSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { latLngToCell } from 'h3-js'
import type { Db } from '../server/db/db.ts'
import { openPostgres } from '../server/db/pg-db.ts'
import { adminUrl, withDatabase } from '../server/testing/postgres-url.ts'
import { loadGridIndex } from '../server/ingest/load-grid-index.ts'
import type { Principal } from '../server/auth/principal.ts'
import { AnalyticsService } from '../server/analytics/analytics-service.ts'
import { syncAnalyticsIncidents } from '../server/analytics/analytics-incident.ts'
import { DEFAULT_TIME_ZONE } from '../server/analytics/analytics-routes.ts'
import { countPerCell } from '../geo/analytics/count-per-cell.ts'
import { CATEGORY_CATALOGUE } from '../seeds/demo/category-catalogue.ts'
import { generateIncidentHistory, incidentPlacesFromCity } from '../seeds/demo/incident-history.ts'
import { loadIncidents } from '../seeds/load/load-incidents.ts'
import { loadMontevideo } from '../seeds/osm/city-layers.ts'
import type { Logger } from '../server/logger.ts'
import { numFlag } from './lib/args.ts'
import { openCity, sourceVersion, type CitySource, type OpenCity } from './lib/bench-db.ts'
import { int, ms, times, type BenchContext, type BenchReport, type BenchRow } from './lib/report.ts'

const CACHE_DIR = join(tmpdir(), 'gridwatch-bench')
const DAY_MS = 86_400_000
/** The bench city's history ends here (bench/lib/bench-db.ts seeds positions with the same end). */
const END = new Date('2026-06-01T00:00:00Z')
const AGGREGATE_TARGET_MS = 300
const GISTAR_TARGET_MS = 1000
const admin: Principal = { userId: null, username: 'bench', role: 'admin', areas: 'all', layers: new Set() }

export async function hotspotsBench({ args, city, log }: BenchContext): Promise<BenchReport> {
  const incidents = numFlag(args, 'incidents', 1_000_000, 100_000)
  const runs = numFlag(args, 'runs', 7, 3)
  const days = numFlag(args, 'days', 90)
  const t0 = performance.now()
  const { open, built, dispose } = await openWithIncidents(city.source, incidents, log)
  const prepMs = performance.now() - t0
  const notes: string[] = []
  try {
    const db = open.db
    const tH3 = performance.now()
    const drained = await syncAnalyticsIncidents(db)
    if (drained) notes.push(`analytics copy (with H3 cells) of ${int(drained)} queued incidents made before timing, in ${ms(performance.now() - tH3)} (once per new incident)`)
    const grids = await loadGridIndex(db)
    const service = new AnalyticsService(db, DEFAULT_TIME_ZONE)
    const window = { from: new Date(END.getTime() - days * DAY_MS), to: END }
    const inWindow = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM incident WHERE reported_at >= $1 AND reported_at < $2', [window.from, window.to])).rows[0].n

    /** p50 of `runs` timed calls after one untimed warm-up (which fills the study-area and weights caches). */
    const p50 = async (label: string, fn: () => Promise<unknown>) => {
      log.info(`hotspots: ${label}`)
      const c0 = performance.now()
      await fn()
      const cold = performance.now() - c0
      const times: number[] = []
      for (let i = 0; i < runs; i++) {
        const s = performance.now()
        await fn()
        times.push(performance.now() - s)
      }
      times.sort((a, b) => a - b)
      return { p50: times[Math.floor(times.length / 2)], cold }
    }
    const fetchPoints = async () => {
      const r = await db.query<{ x: number; y: number }>(
        'SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM incident WHERE reported_at >= $1 AND reported_at < $2', [window.from, window.to])
      const pts = new Float64Array(r.rows.length * 2)
      r.rows.forEach((row, i) => ((pts[2 * i] = row.x), (pts[2 * i + 1] = row.y)))
      return pts
    }
    let naiveTotal = 0
    const naiveGrid = await p50('naive grid loop', async () => {
      naiveTotal = [...countPerCell(await fetchPoints(), (lon, lat) => grids.lookup(lon, lat)).values()].reduce((a, b) => a + b, 0)
    })
    const naiveH3 = await p50('naive H3 loop', async () => countPerCell(await fetchPoints(), (lon, lat) => latLngToCell(lat, lon, 9)))
    const cells = { grid: { cells: 'grid' as const }, h3: { cells: 'h3' as const, res: 9 } }
    let sqlTotal = 0
    const gridCounts = await p50('counts per grid', async () => {
      sqlTotal = (await service.counts(window, cells.grid, admin)).total
    })
    const h3Counts = await p50('counts per H3 r9', () => service.counts(window, cells.h3, admin))
    const kde = await p50('KDE 100 m, automatic bandwidth', () => service.kde(window, { cellM: 100 }, admin))
    const kdeResult = await service.kde(window, { cellM: 100 }, admin)
    const giGrid = await p50('Gi* grid queen', () => service.hotspots(window, cells.grid, { weights: 'queen' }, admin))
    const giGridBand = await p50('Gi* grid distance band', () => service.hotspots(window, cells.grid, { weights: 'distance' }, admin))
    const giH3 = await p50('Gi* H3 r9 ring 1', () => service.hotspots(window, cells.h3, { weights: 'queen' }, admin))
    const h = await service.hotspots(window, cells.h3, { weights: 'queen' }, admin)
    const g = await service.hotspots(window, cells.grid, { weights: 'queen' }, admin)
    const hot = (x: typeof g) => x.stats.filter((s) => s.class.startsWith('hot')).length

    const row = (what: string, m: { p50: number; cold: number }, baseline: { p50: number } | null, target: number): BenchRow => ({
      what: `${what} (first call ${ms(m.cold)})`,
      value: ms(m.p50),
      baseline: baseline ? ms(baseline.p50) : undefined,
      ratio: baseline ? times(baseline.p50 / m.p50) : undefined,
      target: `< ${int(target)} ms`,
      met: m.p50 < target,
    })
    notes.push(
      `${int(incidents)} incidents (${built ? `built in ${Math.round(prepMs / 1000)} s and cached` : `loaded from the cache in ${Math.round(prepMs / 1000)} s`}); ` +
        `window ${window.from.toISOString().slice(0, 10)} – ${window.to.toISOString().slice(0, 10)}: ${int(inWindow)} incidents, ${int(sqlTotal)} in a grid (naive loop: ${int(naiveTotal)})`,
      `p50 of ${runs} runs after one warm-up; ratio = naive p50 / measured p50. Naive = SELECT the window's points + one lookup each in JS`,
      `cells: ${int(g.cells.ids.length)} grids (${hot(g)} hot at FDR-adjusted 90 %+), ${int(h.cells.ids.length)} H3 r9 cells (${hot(h)} hot); ` +
        `KDE ${kdeResult.raster.cols}×${kdeResult.raster.rows} cells, automatic bandwidth ${Math.round(kdeResult.raster.bandwidthM)} m`,
    )
    return {
      name: 'hotspots',
      title: `analyst aggregates and statistics over a ${days}-day window of ${int(incidents)} incidents`,
      rows: [
        { what: 'naive: fetch points + point-in-polygon per incident, grid counts', value: ms(naiveGrid.p50) },
        { what: 'naive: fetch points + latLngToCell per incident, H3 r9 counts', value: ms(naiveH3.p50) },
        row('counts per grid (SQL GROUP BY grid_code)', gridCounts, naiveGrid, AGGREGATE_TARGET_MS),
        row('counts per H3 r9 (SQL GROUP BY stored cell)', h3Counts, naiveH3, AGGREGATE_TARGET_MS),
        row('KDE, quartic, 100 m cells, automatic bandwidth', kde, naiveGrid, AGGREGATE_TARGET_MS),
        row('Gi* + FDR, grids, queen contiguity', giGrid, naiveGrid, GISTAR_TARGET_MS),
        row('Gi* + FDR, grids, default distance band', giGridBand, naiveGrid, GISTAR_TARGET_MS),
        row('Gi* + FDR, H3 r9, ring-1 neighbours', giH3, naiveH3, GISTAR_TARGET_MS),
      ],
      notes,
    }
  } finally {
    await dispose()
  }
}

/** The bench city with `count` incidents of history and their H3 cells, from the cache or built into it. */
async function openWithIncidents(source: CitySource, count: number, log: Logger): Promise<{ open: OpenCity; built: boolean; dispose: () => Promise<void> }> {
  const version = `${sourceVersion(['seeds', 'geo/grids', 'server/analytics/analytics-incident.ts'])}-${count}`
  if (source.backend === 'pglite') {
    const dump = join(CACHE_DIR, `hotspots-${version}.tar.gz`)
    if (existsSync(dump)) {
      const open = await openCity({ backend: 'pglite', dump })
      return { open, built: false, dispose: () => open.close() }
    }
    const open = await openCity(source)
    await buildIncidents(open.db, count, log)
    log.info(`hotspots: keeping the city with incidents in ${dump}`)
    writeFileSync(`${dump}.tmp`, await open.pglite!.dumpDataDir('gzip'))
    renameSync(`${dump}.tmp`, dump)
    for (const f of readdirSync(CACHE_DIR)) if (f.startsWith('hotspots-') && join(CACHE_DIR, f) !== dump) rmSync(join(CACHE_DIR, f), { force: true })
    return { open, built: true, dispose: () => open.close() }
  }
  const template = `gridwatch_hotspots_${version.replace(/\W/g, '_')}`
  const copy = `gridwatch_bench_hotspots_${process.pid}`
  const adm = await openPostgres(adminUrl(source.url), 1)
  let built = false
  const exists = await adm.query('SELECT 1 FROM pg_database WHERE datname = $1', [template])
  if (exists.rows.length === 0) {
    for (const r of (await adm.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'gridwatch\\_hotspots\\_%'`)).rows) {
      await adm.exec(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`)
    }
    await adm.exec(`CREATE DATABASE ${template}_tmp TEMPLATE ${new URL(source.url).pathname.slice(1)}`)
    const db = await openPostgres(withDatabase(source.url, `${template}_tmp`), 2)
    try {
      await buildIncidents(db, count, log)
      // One statement per call: VACUUM cannot run inside the implicit transaction of a multi-statement string.
      await db.exec('VACUUM ANALYZE incident')
      await db.exec('VACUUM ANALYZE analytics_incident')
    } finally {
      await db.close()
    }
    await adm.exec(`ALTER DATABASE ${template}_tmp RENAME TO ${template}`)
    built = true
  }
  await adm.exec(`DROP DATABASE IF EXISTS ${copy} WITH (FORCE)`)
  await adm.exec(`CREATE DATABASE ${copy} TEMPLATE ${template}`)
  const open = await openCity({ backend: 'postgres', url: withDatabase(source.url, copy) })
  return {
    open,
    built,
    async dispose() {
      await open.close()
      await adm.exec(`DROP DATABASE IF EXISTS ${copy} WITH (FORCE)`)
      await adm.close()
    },
  }
}

async function buildIncidents(db: Db, count: number, log: Logger): Promise<void> {
  log.info(`hotspots: generating ${int(count)} incidents of history (once; cached afterwards)`)
  const city = await loadMontevideo()
  const grids = await loadGridIndex(db)
  const limitsOf = new Map(CATEGORY_CATALOGUE.map((c) => [c.code, c.limitsMinutes]))
  const history = generateIncidentHistory(incidentPlacesFromCity(city), { count, seed: 'gridwatch-demo', end: END, days: 365 })
  let next = 100_000
  await db.transaction((tx) =>
    loadIncidents(tx, history, grids, limitsOf, (n) => {
      if (n >= next) log.info(`hotspots: ${int(n)} incidents written`), (next += 100_000)
    }),
  )
  log.info('hotspots: filling analytics_incident (H3 cells)')
  await syncAnalyticsIncidents(db)
}

