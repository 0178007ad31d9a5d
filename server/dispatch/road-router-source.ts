import type { Queryable } from '../db/db.ts'
import type { Logger } from '../logger.ts'
import { RoadRouter, type RoadRouterOptions } from '../../geo/routing/road-router.ts'

/** Reads the road graph tables (pgRouting's shape) into the in-memory router; null when there are no roads. */
export async function loadRoadRouter(q: Queryable, options?: RoadRouterOptions): Promise<RoadRouter | null> {
  const nodes = await q.query<{ id: number; lon: number; lat: number }>('SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM road_node')
  const edges = await q.query<{
    id: number; source: number; target: number; cost: number; reverse_cost: number; length_m: number; road_class: string; geom: string
  }>(
    // Full precision, so an edge's end vertices are exactly its nodes' positions.
    `SELECT id, source, target, cost, reverse_cost, length_m, road_class, ST_AsGeoJSON(geom, 15) AS geom FROM road_edge ORDER BY id`,
  )
  if (edges.rows.length === 0) return null
  return new RoadRouter(
    nodes.rows,
    edges.rows.map((e) => ({
      id: e.id, source: e.source, target: e.target, cost: e.cost, reverseCost: e.reverse_cost, lengthM: e.length_m,
      roadClass: e.road_class, coords: (JSON.parse(e.geom) as { coordinates: [number, number][] }).coordinates,
    })),
    options,
  )
}

/** Changes whenever an import or a reseed replaces the road graph. */
async function roadGraphVersion(q: Queryable): Promise<string> {
  const r = await q.query<{ v: string }>(
    `SELECT concat_ws(':', count(*), max(id), sum(length_m), sum(cost), sum(reverse_cost)) AS v FROM road_edge`,
  )
  return r.rows[0].v
}

/**
 * The router the dispatch routes use, kept in step with the road tables: `npm run import` replaces them from
 * another process, so the server looks for a changed graph now and then and swaps in a new router when it sees
 * one (requests in flight keep the router they started with).
 */
export class RoadRouterSource {
  private router: RoadRouter | null = null
  private version = ''
  private timer: NodeJS.Timeout | undefined
  private checking: Promise<boolean> | undefined

  constructor(
    private readonly db: Queryable,
    private readonly log: Logger,
    private readonly options: RoadRouterOptions = {},
  ) {}

  /** The current router; null while the database holds no roads. */
  current(): RoadRouter | null {
    return this.router
  }

  /** Loads the graph if it changed since the last load; true when it did. */
  refresh(): Promise<boolean> {
    return (this.checking ??= (async () => {
      try {
        const version = await roadGraphVersion(this.db)
        if (version === this.version) return false
        const t0 = performance.now()
        this.router = await loadRoadRouter(this.db, this.options)
        this.version = version
        const ms = Math.round(performance.now() - t0)
        this.log.info({ edges: this.router?.edgeCount ?? 0, ms }, 'road router loaded')
        return true
      } finally {
        this.checking = undefined
      }
    })())
  }

  /** Checks for a replaced graph every `everyMs` until stopped. */
  watch(everyMs = 60_000): void {
    this.stop()
    this.timer = setInterval(() => {
      this.refresh().catch((err: Error) => this.log.warn({ err: err.message }, 'road graph check failed'))
    }, everyMs)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
    this.timer = undefined
  }
}
