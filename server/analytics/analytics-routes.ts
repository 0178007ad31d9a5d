import { Router, type Request } from 'express'
import { z } from 'zod'
import type { Db } from '../db/db.ts'
import { badRequestFromZod, HttpError } from '../http/http-error.ts'
import { documentRoute } from '../http/api-docs.ts'
import { Bbox } from '../http/bbox.ts'
import { principalOf, requireRole, type Role } from '../auth/principal.ts'
import { AnalyticsFilterShape, resolveWindow } from './analytics-filters.ts'
import { AnalyticsService, type CellSpec, type WeightSpec } from './analytics-service.ts'
import type { StudyCells } from './study-area.ts'
import { evaluationCounts } from './evaluation-query.ts'
import { caseEvaluation, EVALUATION_FORMULAS } from '../../geo/analytics/case-evaluation.ts'

export const ANALYTICS_ROLES: readonly Role[] = ['admin', 'supervisor', 'analyst', 'dispatcher']
/**
 * The evaluation is published (综合评价: scores per grid, with formulas), so the wall may show it too; it holds
 * counts of cases, nothing about a person.
 */
const EVALUATION_ROLES: readonly Role[] = [...ANALYTICS_ROLES, 'wall']
const DAY_MS = 86_400_000

const CellShape = {
  cells: z.enum(['grid', 'h3']).default('grid').describe('unit grids (real polygons) or H3 hexagons'),
  res: z.coerce.number().int().min(6).max(11).default(9).describe('H3 resolution (cells=h3), 6–11: 7 ≈ 5 km², 9 ≈ 0.1 km², 11 ≈ 2,000 m²'),
}
const WeightShape = {
  weights: z.enum(['queen', 'distance']).default('queen')
    .describe('queen: polygons touching at an edge or a corner (H3: ring 1); distance: centroids within `band` metres'),
  band: z.coerce.number().min(10).max(50_000).optional()
    .describe('distance band in metres (default: the largest nearest-neighbour distance, so every cell has a neighbour)'),
}

const CountsQuery = z.object({ ...AnalyticsFilterShape, ...CellShape }).transform(resolveWindow)
const HotspotsQuery = z.object({ ...AnalyticsFilterShape, ...CellShape, ...WeightShape, method: z.literal('gistar').default('gistar') }).transform(resolveWindow)
const KdeQuery = z
  .object({
    ...AnalyticsFilterShape,
    cellM: z.coerce.number().min(10).max(2_000).default(100).describe('output cell size, metres'),
    bandwidth: z.coerce.number().min(10).max(20_000).optional().describe('kernel radius, metres (default: automatic, see README)'),
    bbox: Bbox.optional().describe('surface extent (default: the grids in scope)'),
  })
  .transform(resolveWindow)
const CompareQuery = z
  .object({
    ...AnalyticsFilterShape,
    ...CellShape,
    baseline: z.enum(['previous', 'last-year']).default('previous').describe('the window just before, or the same weeks 52 weeks earlier'),
  })
  .transform(resolveWindow)
const PaiQuery = z
  .object({
    ...AnalyticsFilterShape,
    ...CellShape,
    ...WeightShape,
    testFrom: z.iso.datetime({ offset: true }).optional().describe('period predicted (default: the equally long window right after `to`)'),
    testTo: z.iso.datetime({ offset: true }).optional(),
    rank: z.enum(['density', 'gistar']).default('density').describe('how cells are ranked on the map period: incidents per km², or Gi* z'),
    k: z.string().regex(/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/, 'comma-separated percentages').default('1,5,10,20')
      .transform((s) => s.split(',').map(Number))
      .pipe(z.array(z.number().gt(0).max(100)).max(20)),
  })
  .transform(resolveWindow)
const EvaluationQuery = z
  .object({ ...AnalyticsFilterShape, level: z.enum(['grid', 'department']).default('grid').describe('one row per unit grid or per responsible department') })
  .transform(resolveWindow)

const Feature = z.object({ type: z.literal('Feature'), id: z.string(), geometry: z.unknown(), properties: z.record(z.string(), z.unknown()) })
const Collection = z.object({ type: z.literal('FeatureCollection'), features: z.array(Feature), meta: z.record(z.string(), z.unknown()) })
const doc = (path: string, summary: string, query: z.ZodType, response?: z.ZodType, roles = ANALYTICS_ROLES) =>
  documentRoute({ method: 'get', path: `/api/v1/analytics/${path}`, summary, tags: ['analytics'], query, response, errors: [400, 401, 403], roles })
doc('counts', 'Incidents per grid or H3 cell (GeoJSON), with rates per km² and per 1,000 residents where known', CountsQuery, Collection)
doc('hotspots', 'Getis-Ord Gi* hot and cold spots per cell (GeoJSON): count, z, p, Benjamini–Hochberg pFdr, 99/95/90 % class', HotspotsQuery, Collection)
doc('kde', 'Quartic kernel density surface (incidents per km²), row-major from the north-west corner', KdeQuery)
doc('compare', 'Change per cell against the previous window or the same weeks last year, exact conditional binomial test + FDR (GeoJSON)', CompareQuery, Collection)
doc('pai', 'Predictive Accuracy Index and hit rate of the top k % of area of a map made on one period, for the next', PaiQuery)
doc('evaluation', '综合评价 per grid or department: cases, closure and on-time rates per step, reopenings, supervision orders, exceptions, response time, with formulas', EvaluationQuery, undefined, EVALUATION_ROLES)

export interface AnalyticsRouterOptions {
  /** The city's clock, for the hour-of-day and weekday filters (IANA name). */
  timeZone?: string
}

/** The demo city's clock (Montevideo, UTC−3 all year). */
export const DEFAULT_TIME_ZONE = 'America/Montevideo'

/** GET /api/v1/analytics/*: the analyst workbench's statistics, scoped to the caller's jurisdiction in SQL. */
export function analyticsRouter(db: Db, { timeZone = DEFAULT_TIME_ZONE }: AnalyticsRouterOptions = {}, service = new AnalyticsService(db, timeZone)): Router {
  const r = Router()
  const guard = requireRole(...ANALYTICS_ROLES)
  const parse = <S extends z.ZodType>(schema: S, req: Request): z.output<S> => {
    const q = schema.safeParse(req.query)
    if (!q.success) throw badRequestFromZod(q.error, 'query')
    return q.data
  }
  const cellSpec = (q: { cells: 'grid' | 'h3'; res: number }): CellSpec => (q.cells === 'grid' ? { cells: 'grid' } : { cells: 'h3', res: q.res })
  const weightSpec = (q: { weights: 'queen' | 'distance'; band?: number }): WeightSpec =>
    q.weights === 'queen' ? { weights: 'queen' } : { weights: 'distance', bandM: q.band }
  const keyOf = (req: Request, q: unknown) => [req.path, q, principalOf(req).areas]

  r.get('/api/v1/analytics/counts', guard, async (req, res) => {
    const q = parse(CountsQuery, req)
    const { value, cached } = await service.cached(keyOf(req, q), q.to, async () => {
      const c = await service.counts(q, cellSpec(q), principalOf(req))
      return collection(c.cells, () => ({}), c.counts, { ...windowMeta(q), ...cellMeta(c.cells), total: c.total })
    })
    res.json({ ...value, meta: { ...value.meta, cached } })
  })

  r.get('/api/v1/analytics/hotspots', guard, async (req, res) => {
    const q = parse(HotspotsQuery, req)
    const { value, cached } = await service.cached(keyOf(req, q), q.to, async () => {
      const h = await service.hotspots(q, cellSpec(q), weightSpec(q), principalOf(req))
      return collection(h.cells, (i) => ({ ...h.stats[i], z: round(h.stats[i].z, 4) }), h.counts, {
        ...windowMeta(q), ...cellMeta(h.cells), total: h.total, method: 'gistar', weights: h.weights,
        bandM: h.bandM === null ? null : round(h.bandM, 1), selfIncluded: true, fdr: 'benjamini-hochberg',
      })
    })
    res.json({ ...value, meta: { ...value.meta, cached } })
  })

  r.get('/api/v1/analytics/kde', guard, async (req, res) => {
    const q = parse(KdeQuery, req)
    const { value, cached } = await service.cached(keyOf(req, q), q.to, async () => {
      const k = await service.kde(q, { cellM: q.cellM, bandwidthM: q.bandwidth, bbox: q.bbox }, principalOf(req)).catch((err: unknown) => {
        if (err instanceof RangeError) throw new HttpError(400, 'invalid_request', 'surface too large', [{ path: 'query.cellM', message: err.message }])
        throw err
      })
      const { values, ...raster } = k.raster
      let max = 0
      for (const v of values) max = Math.max(max, v)
      return {
        ...windowMeta(q), ...raster, bandwidthM: round(raster.bandwidthM, 1), bandwidthRule: k.bandwidthRule, kernel: 'quartic',
        unit: 'incidents/km²', total: k.total, max: round(max, 4), values: Array.from(values, (v) => round(v, 4)),
      }
    })
    res.json({ ...value, cached })
  })

  r.get('/api/v1/analytics/compare', guard, async (req, res) => {
    const q = parse(CompareQuery, req)
    const span = q.to.getTime() - q.from.getTime()
    const shift = q.baseline === 'previous' ? span : 364 * DAY_MS
    const before = { from: new Date(q.from.getTime() - shift), to: new Date(q.to.getTime() - shift) }
    const { value, cached } = await service.cached(keyOf(req, q), q.to, async () => {
      const c = await service.compare(q, before, cellSpec(q), principalOf(req))
      return collection(c.cells, (i) => ({ ...c.changes[i], rateRatio: c.changes[i].rateRatio === null ? null : round(c.changes[i].rateRatio!, 4) }), c.changes.map((x) => x.after), {
        ...windowMeta(q), ...cellMeta(c.cells), baseline: q.baseline,
        before: { from: before.from.toISOString(), to: before.to.toISOString(), total: c.before.total }, total: c.after.total,
        test: 'exact conditional binomial, two-sided', fdr: 'benjamini-hochberg',
      })
    })
    res.json({ ...value, meta: { ...value.meta, cached } })
  })

  r.get('/api/v1/analytics/pai', guard, async (req, res) => {
    const q = parse(PaiQuery, req)
    const span = q.to.getTime() - q.from.getTime()
    const testFrom = q.testFrom ? new Date(q.testFrom) : q.to
    const testTo = q.testTo ? new Date(q.testTo) : new Date(testFrom.getTime() + span)
    if (testFrom >= testTo) throw new HttpError(400, 'invalid_request', 'invalid query', [{ path: 'query.testFrom', message: 'testFrom must be before testTo' }])
    const rank = q.rank === 'density' ? { rank: 'density' as const } : { rank: 'gistar' as const, ...weightSpec(q) }
    const { value, cached } = await service.cached(keyOf(req, q), testTo > q.to ? testTo : q.to, async () => {
      const p = await service.pai(q, { from: testFrom, to: testTo }, cellSpec(q), rank, q.k, principalOf(req))
      return {
        ...cellMeta(p.cells), rank: p.rank,
        train: { from: p.train.from.toISOString(), to: p.train.to.toISOString(), total: p.train.total },
        test: { from: p.test.from.toISOString(), to: p.test.to.toISOString(), total: p.test.total },
        results: p.results.map((x) => ({ ...x, areaShare: round(x.areaShare, 5), hitRate: round(x.hitRate, 5), pai: round(x.pai, 4) })),
      }
    })
    res.json({ ...value, cached })
  })

  r.get('/api/v1/analytics/evaluation', requireRole(...EVALUATION_ROLES), async (req, res) => {
    const q = parse(EvaluationQuery, req)
    const { value, cached } = await service.cached(keyOf(req, q), q.to, async () => {
      const rows = await evaluationCounts(db, q.level, q, principalOf(req), timeZone)
      return { level: q.level, ...windowMeta(q), formulas: EVALUATION_FORMULAS, rows: rows.map((row) => ({ ...row, ...caseEvaluation(row) })) }
    })
    res.json({ ...value, cached })
  })
  return r
}

function collection(cells: StudyCells, extra: (i: number) => object, counts: number[], meta: Record<string, unknown>) {
  return {
    type: 'FeatureCollection' as const,
    features: cells.ids.map((id, i) => {
      const area = cells.areaKm2[i], pop = cells.population[i], n = counts[i]
      return {
        type: 'Feature' as const,
        id,
        geometry: cells.geometry(i),
        properties: {
          cell: id, count: n, areaKm2: round(area, 5), perKm2: area > 0 ? round(n / area, 3) : null,
          population: pop, per1000Residents: pop ? round((1000 * n) / pop, 3) : null, ...extra(i),
        },
      }
    }),
    meta,
  }
}

const windowMeta = (q: { from: Date; to: Date }) => ({ from: q.from.toISOString(), to: q.to.toISOString() })
const cellMeta = (c: StudyCells) => ({ cells: c.kind, res: c.res, cellCount: c.ids.length })
const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits
