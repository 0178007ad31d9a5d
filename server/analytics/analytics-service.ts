import { cellToLatLng } from 'h3-js'
import type { Db } from '../db/db.ts'
import type { Principal } from '../auth/principal.ts'
import { queenWeights } from '../../geo/analytics/queen-weights.ts'
import { h3RingWeights } from '../../geo/analytics/h3-ring-weights.ts'
import { distanceBandWeights } from '../../geo/analytics/distance-band-weights.ts'
import { defaultBandM } from '../../geo/analytics/default-band.ts'
import type { SpatialWeights } from '../../geo/analytics/spatial-weights.ts'
import { giStarHotspots, type HotspotCell } from '../../geo/analytics/gi-star-hotspots.ts'
import { kde, type DensityRaster } from '../../geo/analytics/kde.ts'
import { kdeBandwidthM } from '../../geo/analytics/kde-bandwidth.ts'
import { periodChange, type CellChange } from '../../geo/analytics/period-change.ts'
import { hotspotAccuracy, type HotspotAccuracy } from '../../geo/analytics/hotspot-accuracy.ts'
import { metresPerDegree } from '../../geo/grids/metres-per-degree.ts'
import { incidentFilterSql, type AnalyticsFilters } from './analytics-filters.ts'
import { h3Column, syncAnalyticsIncidents } from './analytics-incident.ts'
import { LruCache } from './lru-cache.ts'
import { gridCells, gridsBbox, h3Cells, loadStudyGrids, type StudyCells, type StudyGrid } from './study-area.ts'

export type CellSpec = { cells: 'grid' } | { cells: 'h3'; res: number }
export type WeightSpec = { weights: 'queen' } | { weights: 'distance'; bandM?: number }

export interface CellCounts {
  cells: StudyCells
  counts: number[]
  total: number
}

export interface Hotspots extends CellCounts {
  stats: HotspotCell[]
  weights: 'queen' | 'distance'
  bandM: number | null
}

export interface KdeOptions {
  cellM: number
  bandwidthM?: number
  bbox?: [number, number, number, number]
}

export interface KdeResult {
  raster: DensityRaster
  bandwidthRule: 'chosen' | 'automatic'
  total: number
}

export interface Comparison {
  cells: StudyCells
  before: { from: Date; to: Date; total: number }
  after: { from: Date; to: Date; total: number }
  changes: CellChange[]
}

export interface PaiResult {
  cells: StudyCells
  rank: 'density' | 'gistar'
  train: { from: Date; to: Date; total: number }
  test: { from: Date; to: Date; total: number }
  results: HotspotAccuracy[]
}

const STUDY_TTL_MS = 10 * 60_000
const RESULT_TTL_MS = 10 * 60_000
/** Largest KDE surface computed (cells); a finer one is refused rather than run for seconds. */
export const MAX_KDE_CELLS = 1_000_000

/**
 * The analyst's statistics over the incident store: counting in SQL, statistics in geo/analytics. Results of a
 * window that has already ended are cached (bounded LRU, 10 min); a window reaching into the future still
 * grows, so it is computed each time.
 */
export class AnalyticsService {
  private readonly studyCache = new LruCache<Promise<StudyGrid[]>>(32, STUDY_TTL_MS)
  private readonly queenCache = new WeakMap<readonly StudyGrid[], SpatialWeights>()
  private readonly results = new LruCache<unknown>(200, RESULT_TTL_MS)

  constructor(
    private readonly db: Db,
    private readonly timeZone: string,
  ) {}

  /** Cached result of `compute` for this query, unless its window is still open. */
  async cached<T>(key: unknown, windowEnd: Date, compute: () => Promise<T>): Promise<{ value: T; cached: boolean }> {
    const k = JSON.stringify(key)
    const hit = this.results.get(k) as T | undefined
    if (hit !== undefined) return { value: hit, cached: true }
    const value = await compute()
    if (windowEnd.getTime() <= Date.now()) this.results.set(k, value)
    return { value, cached: false }
  }

  async counts(f: AnalyticsFilters, spec: CellSpec, principal: Principal): Promise<CellCounts> {
    const grids = await this.studyGrids(principal, f.area)
    const raw = await this.rawCounts(f, spec, principal)
    const cells = spec.cells === 'grid' ? gridCells(grids) : h3Cells(grids, spec.res, raw.keys())
    const counts = cells.ids.map((id) => raw.get(id) ?? 0)
    return { cells, counts, total: counts.reduce((a, b) => a + b, 0) }
  }

  async hotspots(f: AnalyticsFilters, spec: CellSpec, w: WeightSpec, principal: Principal): Promise<Hotspots> {
    const c = await this.counts(f, spec, principal)
    const { weights, bandM } = await this.weights(c.cells, w, principal, f.area)
    return { ...c, stats: giStarHotspots(c.counts, weights), weights: w.weights, bandM }
  }

  async kde(f: AnalyticsFilters, o: KdeOptions, principal: Principal): Promise<KdeResult> {
    const bbox = o.bbox ?? gridsBbox(await this.studyGrids(principal, f.area))
    const s = metresPerDegree((bbox[1] + bbox[3]) / 2)
    const cols = Math.ceil(((bbox[2] - bbox[0]) * s.lon) / o.cellM), rows = Math.ceil(((bbox[3] - bbox[1]) * s.lat) / o.cellM)
    if (!(cols * rows <= MAX_KDE_CELLS)) throw new RangeError(`a ${o.cellM} m surface over this area has ${cols * rows} cells (at most ${MAX_KDE_CELLS})`)
    // Incidents binned in SQL to their stored H3 cell, then smoothed from the cell centres: an integer GROUP BY
    // and ~10⁴ rows instead of every point. Bins: r10 (edge ≈ 76 m) for cells of 100 m and more, r11 (≈ 29 m) below.
    const raw = await this.rawCounts(f, { cells: 'h3', res: o.cellM < 100 ? 11 : 10 }, principal)
    const pts = new Float64Array(raw.size * 2)
    const weights = new Float64Array(raw.size)
    let k = 0
    for (const [cell, n] of raw) {
      const [lat, lon] = cellToLatLng(cell)
      pts[2 * k] = lon
      pts[2 * k + 1] = lat
      weights[k++] = n
    }
    const total = weights.reduce((a, b) => a + b, 0)
    const automatic = o.bandwidthM === undefined
    // With fewer than two points the rule has nothing to measure; fall back to a few cells.
    const h = o.bandwidthM ?? (kdeBandwidthM(pts, weights) || 4 * o.cellM)
    return { raster: kde(pts, weights, { bbox, cellM: o.cellM, bandwidthM: Math.max(h, o.cellM) }), bandwidthRule: automatic ? 'automatic' : 'chosen', total }
  }

  async compare(after: AnalyticsFilters, before: { from: Date; to: Date }, spec: CellSpec, principal: Principal): Promise<Comparison> {
    const grids = await this.studyGrids(principal, after.area)
    const [a, b] = await Promise.all([this.rawCounts(after, spec, principal), this.rawCounts({ ...after, ...before }, spec, principal)])
    const cells = spec.cells === 'grid' ? gridCells(grids) : h3Cells(grids, spec.res, [...a.keys(), ...b.keys()])
    const av = cells.ids.map((id) => a.get(id) ?? 0), bv = cells.ids.map((id) => b.get(id) ?? 0)
    const sum = (v: number[]) => v.reduce((x, y) => x + y, 0)
    return {
      cells,
      before: { ...before, total: sum(bv) },
      after: { from: after.from, to: after.to, total: sum(av) },
      changes: periodChange(bv, av, before.to.getTime() - before.from.getTime(), after.to.getTime() - after.from.getTime()),
    }
  }

  async pai(
    train: AnalyticsFilters,
    test: { from: Date; to: Date },
    spec: CellSpec,
    rank: { rank: 'density' } | ({ rank: 'gistar' } & WeightSpec),
    ks: number[],
    principal: Principal,
  ): Promise<PaiResult> {
    const grids = await this.studyGrids(principal, train.area)
    const [tr, te] = await Promise.all([this.rawCounts(train, spec, principal), this.rawCounts({ ...train, ...test }, spec, principal)])
    const cells = spec.cells === 'grid' ? gridCells(grids) : h3Cells(grids, spec.res, [...tr.keys(), ...te.keys()])
    const trv = cells.ids.map((id) => tr.get(id) ?? 0), tev = cells.ids.map((id) => te.get(id) ?? 0)
    let score: number[]
    if (rank.rank === 'density') score = trv.map((n, i) => (cells.areaKm2[i] > 0 ? n / cells.areaKm2[i] : 0))
    else {
      const { weights } = await this.weights(cells, rank, principal, train.area)
      score = giStarHotspots(trv, weights).map((h) => h.z)
    }
    const sum = (v: number[]) => v.reduce((x, y) => x + y, 0)
    return {
      cells,
      rank: rank.rank,
      train: { from: train.from, to: train.to, total: sum(trv) },
      test: { ...test, total: sum(tev) },
      results: hotspotAccuracy(score, cells.areaKm2, tev, ks),
    }
  }

  /** Incidents per cell id (grid code or H3 string), counted in SQL. */
  async rawCounts(f: AnalyticsFilters, spec: CellSpec, principal: Principal): Promise<Map<string, number>> {
    const params: unknown[] = []
    const where = incidentFilterSql(f, principal, this.timeZone, params)
    await syncAnalyticsIncidents(this.db)
    const sql =
      spec.cells === 'grid'
        ? `SELECT i.grid_code AS cell, count(*)::int AS n FROM analytics_incident i WHERE ${where} AND i.grid_code IS NOT NULL GROUP BY 1`
        : `SELECT to_hex(c) AS cell, n FROM (
             SELECT i.${h3Column(spec.res)} AS c, count(*)::int AS n FROM analytics_incident i WHERE ${where} GROUP BY 1) s`
    const r = await this.db.query<{ cell: string; n: number }>(sql, params)
    return new Map(r.rows.map((row) => [row.cell, row.n]))
  }

  private studyGrids(principal: Principal, area: string | undefined): Promise<StudyGrid[]> {
    const key = JSON.stringify([principal.areas, area ?? null])
    let grids = this.studyCache.get(key)
    if (!grids) {
      grids = loadStudyGrids(this.db, principal, area)
      grids.catch(() => {})
      this.studyCache.set(key, grids)
    }
    return grids
  }

  private async weights(cells: StudyCells, w: WeightSpec, principal: Principal, area: string | undefined): Promise<{ weights: SpatialWeights; bandM: number | null }> {
    if (w.weights === 'distance') {
      const bandM = w.bandM ?? defaultBandM(cells.centroids)
      return { weights: distanceBandWeights(cells.centroids, bandM), bandM }
    }
    if (cells.kind === 'h3') return { weights: h3RingWeights(cells.ids), bandM: null }
    // Queen contiguity of grid polygons is the one costly weight matrix; the grids change rarely, so keep it.
    const grids = await this.studyGrids(principal, area)
    let weights = this.queenCache.get(grids)
    if (!weights) {
      weights = queenWeights(grids.map((g) => g.geometry))
      this.queenCache.set(grids, weights)
    }
    return { weights, bandM: null }
  }
}
