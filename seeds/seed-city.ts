import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Db, Queryable } from '../server/db/db.ts'
import type { Logger } from '../server/logger.ts'
import { withHeartbeat } from '../server/start.ts'
import { GRID_SNAP_METRES } from '../server/ingest/load-grid-index.ts'
import { buildGridIndex } from '../geo/grid-index/grid-index.ts'
import { buildRoadGraph } from '../geo/road-graph/build-road-graph.ts'
import { bakeBasemap } from './basemap/bake-basemap.ts'
import { generateCameras } from './demo/cameras.ts'
import { CATEGORY_CATALOGUE } from './demo/category-catalogue.ts'
import { generateIncidentHistory, incidentPlacesFromCity } from './demo/incident-history.ts'
import { stationsAndUnits } from './demo/stations-and-units.ts'
import { buildDemoGrids } from './grids/build-demo-grids.ts'
import { loadAdminAreas } from './load/load-admin-areas.ts'
import { COMMAND_CENTRE_ORG, loadCatalogue } from './load/load-catalogue.ts'
import { loadCameras } from './load/load-cameras.ts'
import { loadIncidents } from './load/load-incidents.ts'
import { loadRoadGraph } from './load/load-road-graph.ts'
import { loadUnits } from './load/load-units.ts'
import { loadMontevideo, MONTEVIDEO_BBOX, type CityLayers } from './osm/city-layers.ts'

export const DEMO_DATASET = 'demo-city'
const DEMO_SEED_LOCK = 0x67726964

export interface DemoCityOptions {
  dataDir: string
  incidents: number
  units: number
  cameras?: number
  seed?: string
  /** History ends here; default: the start of the current hour, so open cases are current. */
  end?: Date
}

export interface DemoCityDetails {
  seed: string
  incidents: number
  units: number
  cameras: number
  historyEnd: string
}

const HISTORY_DAYS = 365
const DEFAULT_SEED = 'gridwatch-demo'

/**
 * Makes sure the demo city is in the database and its basemap on disk. Loading happens in one transaction and
 * ends by writing the dataset row, so an interrupted first start leaves nothing half-loaded and simply retries.
 * Null when the database holds an imported city instead.
 */
export async function ensureDemoCity(db: Db, opts: DemoCityOptions, log: Logger): Promise<DemoCityDetails | null> {
  const basemapDir = join(opts.dataDir, 'basemap')
  const loaded = await demoCityDetails(db)
  // A city imported with `npm run import` replaces the demo: never seed the demo on top of it.
  const imported = await db.query<{ name: string }>(`SELECT name FROM dataset WHERE name LIKE 'import-%' LIMIT 1`)
  if (!loaded && imported.rows.length) {
    log.info('the database holds an imported city; the demo city is not loaded')
    return null
  }
  const needTiles = !existsSync(join(basemapDir, 'tiles.json'))
  if (loaded && !needTiles) return loaded

  const city = await withHeartbeat(log, 'reading the OpenStreetMap extract of Montevideo', loadMontevideo)
  if (needTiles) {
    const r = bakeBasemap(city, basemapDir)
    log.info({ tiles: r.tiles, mb: +(r.bytes / 1e6).toFixed(1) }, 'basemap baked')
  }
  return loaded ?? seedDemoCity(db, city, opts, log)
}

export async function demoCityDetails(q: Queryable): Promise<DemoCityDetails | null> {
  const r = await q.query<{ details: DemoCityDetails }>('SELECT details FROM dataset WHERE name = $1', [DEMO_DATASET])
  return r.rows[0]?.details ?? null
}

export async function seedDemoCity(db: Db, city: CityLayers, opts: DemoCityOptions, log: Logger): Promise<DemoCityDetails> {
  const seed = opts.seed ?? DEFAULT_SEED
  const end = opts.end ?? new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000)
  const graph = buildRoadGraph(city.roads.features)
  const areas = await withHeartbeat(log, 'dividing the city into streets, communities and grids', () => buildDemoGrids(city))
  const grids = buildGridIndex(
    areas
      .filter((a) => a.level === 'grid')
      .map((a) => ({ type: 'Feature' as const, geometry: a.geometry, properties: { code: a.code } })),
    { snapMetres: GRID_SNAP_METRES },
  )
  const { stations, units } = stationsAndUnits(city, { count: opts.units, seed })
  const cameras = generateCameras(city, graph, MONTEVIDEO_BBOX, { count: opts.cameras, seed })
  const limitsOf = new Map(CATEGORY_CATALOGUE.map((c) => [c.code, c.limitsMinutes]))
  const details: DemoCityDetails = {
    seed,
    incidents: opts.incidents,
    units: units.length,
    cameras: cameras.length,
    historyEnd: end.toISOString(),
  }

  return withHeartbeat(log, 'loading the demo city into the database', () =>
    db.transaction(async (tx) => {
      // Several server processes may start on one empty database at once; the first loads, the rest wait.
      await tx.query('SELECT pg_advisory_xact_lock($1)', [DEMO_SEED_LOCK])
      const already = await demoCityDetails(tx)
      if (already) return already
      await loadCatalogue(tx)
      await loadRoadGraph(tx, graph)
      await loadAdminAreas(tx, areas, COMMAND_CENTRE_ORG)
      await loadUnits(tx, stations, units, grids)
      await loadCameras(tx, cameras, grids)
      const history = generateIncidentHistory(incidentPlacesFromCity(city), {
        count: opts.incidents,
        seed,
        end,
        days: HISTORY_DAYS,
      })
      let nextReport = 100_000
      await loadIncidents(tx, history, grids, limitsOf, (n) => {
        if (n < nextReport) return
        log.info(`incidents: ${n.toLocaleString('en')} of ${opts.incidents.toLocaleString('en')}`)
        nextReport += 100_000
      })
      await tx.query('INSERT INTO dataset (name, details) VALUES ($1, $2)', [DEMO_DATASET, JSON.stringify(details)])
      return details
    }),
  )
}

/** Every table the demo city fills, children first, so a reset can empty them in one statement. */
export const DEMO_TABLES = [
  'case_event', 'incident', 'camera_alert', 'camera', 'position_history', 'unit_position_latest', 'device', 'unit',
  'station', 'user_grant', 'admin_area', 'category', 'org', 'road_edge', 'road_node', 'dataset',
]

export async function resetDemoCity(q: Queryable): Promise<void> {
  await q.exec(`TRUNCATE ${DEMO_TABLES.join(', ')} RESTART IDENTITY CASCADE`)
}
