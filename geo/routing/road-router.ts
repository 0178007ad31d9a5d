import type { RoadGraph } from '../road-graph/build-road-graph.ts'
import { stronglyConnectedComponents } from './components.ts'
import { EdgeShapes, type LonLat } from './edge-shapes.ts'
import { buildGraph, type GraphNode, type RoutingGraph } from './graph.ts'
import { searchTree, type SearchSeed } from './search-tree.ts'

/**
 * The city's road router: snaps positions onto the road network and answers travel times with route geometry.
 * One-to-many is one search from the destination over the reversed graph, ended once every origin is settled,
 * so ranking N units against one incident costs one search whatever N is. Positions enter and leave part-way
 * along an edge with the matching part of its cost, and only in the directions the edge allows.
 */

/** A road_edge row (pgRouting's conventions: costs in seconds source->target and back, -1 = not allowed). */
export interface RouterEdge {
  id: number
  source: number
  target: number
  cost: number
  reverseCost: number
  lengthM: number
  roadClass: string
  /** From source to target. */
  coords: readonly (readonly [number, number])[]
}

export interface RoadRouterOptions {
  /** Travel speed per road class, km/h: replaces the stored costs of those classes (directions are kept). */
  speedsKmh?: Readonly<Record<string, number>>
  /** A position farther than this from every road is off the network (default 300 m). */
  maxSnapM?: number
  /** Speed for the stretch between a position and its road, m/s (default 4: a car leaving a car park). */
  accessSpeedMps?: number
  /** Searches give up beyond this many seconds (default 2 h). */
  maxCostS?: number
}

/** A position on the road network. */
export interface RoadPoint {
  /** The position asked about. */
  lon: number
  lat: number
  /** Edge id it snapped onto. */
  edgeId: number
  /** Share of the edge from its source, 0..1. */
  fraction: number
  /** Metres between the position and the road. */
  offRoadM: number
  /** Where on the road. */
  road: LonLat
}

export interface Leg {
  seconds: number
  meters: number
  /** From the origin position to the destination position. */
  geometry: LonLat[]
}

/** A way onto or off the network at one node: the part of the snapped edge between the node and the point. */
interface Anchor {
  node: number
  costS: number
  meters: number
  /** From the point to the node (departing) or from the node to the point (arriving). */
  shape: LonLat[]
}

/** Closer than this to an end of its edge, a point is at that node and may leave it any way (1 cm). */
const AT_NODE_M = 0.01

export class RoadRouter {
  readonly graph: RoutingGraph
  readonly edgeCount: number
  private readonly shapes: EdgeShapes
  private readonly edgeAt = new Map<number, number>()
  private readonly ids: Int32Array
  private readonly src: Int32Array
  private readonly dst: Int32Array
  private readonly cost: Float64Array
  private readonly reverseCost: Float64Array
  private readonly length: Float64Array
  private readonly maxSnapM: number
  private readonly accessSpeed: number
  private readonly maxCostS: number

  constructor(nodes: Iterable<GraphNode>, edges: readonly RouterEdge[], options: RoadRouterOptions = {}) {
    this.maxSnapM = options.maxSnapM ?? 300
    this.accessSpeed = options.accessSpeedMps ?? 4
    this.maxCostS = options.maxCostS ?? 7200
    const speeds = options.speedsKmh ?? {}
    const usable = edges.filter((e) => e.coords.length >= 2 && (e.cost >= 0 || e.reverseCost >= 0))
    const withSpeeds = usable.map((e) => {
      const kmh = speeds[e.roadClass]
      if (kmh === undefined) return e
      const s = e.lengthM / (kmh / 3.6)
      return { ...e, cost: e.cost >= 0 ? s : -1, reverseCost: e.reverseCost >= 0 ? s : -1 }
    })
    this.graph = buildGraph(withSpeeds, { nodes })
    const E = (this.edgeCount = withSpeeds.length)
    this.ids = new Int32Array(E)
    this.src = new Int32Array(E)
    this.dst = new Int32Array(E)
    this.cost = new Float64Array(E)
    this.reverseCost = new Float64Array(E)
    this.length = new Float64Array(E)
    withSpeeds.forEach((e, k) => {
      this.edgeAt.set(e.id, k)
      this.ids[k] = e.id
      this.src[k] = this.graph.indexOf.get(e.source)!
      this.dst[k] = this.graph.indexOf.get(e.target)!
      this.cost[k] = e.cost
      this.reverseCost[k] = e.reverseCost
      this.length[k] = e.lengthM
    })
    // Only roads of the largest strongly connected part are snapped onto: a position on an island or at the end
    // of a one-way dead end could be reached from nowhere, or leave for nowhere.
    const { component } = stronglyConnectedComponents(this.graph)
    this.shapes = new EdgeShapes(
      withSpeeds.map((e) => e.coords),
      (k) => component[this.src[k]] === 0 && component[this.dst[k]] === 0,
    )
  }

  /** The nearest point on the road network, or null when no road is within maxSnapM. */
  snap(lon: number, lat: number): RoadPoint | null {
    const hit = this.shapes.nearest(lon, lat, this.maxSnapM)
    if (!hit) return null
    const shapeLength = this.shapes.lengthM(hit.edge)
    return {
      lon,
      lat,
      edgeId: this.ids[hit.edge],
      fraction: shapeLength > 0 ? Math.min(1, hit.alongM / shapeLength) : 0,
      offRoadM: hit.distanceM,
      road: [hit.lon, hit.lat],
    }
  }

  /** Travel from one position to another, or null when the road network has no way (within maxCostS). */
  route(from: RoadPoint, to: RoadPoint): Leg | null {
    return this.legsTo(to, [from])[0]
  }

  /**
   * Travel from each origin to one destination, in one search over the reversed graph that stops when every
   * origin is settled. Null where an origin is missing or cannot reach the destination.
   */
  legsTo(destination: RoadPoint, origins: readonly (RoadPoint | null)[]): (Leg | null)[] {
    const arrivals = this.anchors(destination, 'arrive')
    const departures = origins.map((o) => (o ? this.anchors(o, 'depart') : []))
    const tree = searchTree(
      this.graph,
      arrivals.map((a): SearchSeed => ({ node: a.node, costS: a.costS })),
      { direction: 'to', maxCostS: this.maxCostS, until: departures.flatMap((d) => d.map((a) => a.node)) },
    )
    return origins.map((origin, i) => {
      if (!origin) return null
      let best: Leg | null = null
      for (const dep of departures[i]) {
        if (!tree.settled[dep.node]) continue
        const seconds = dep.costS + tree.dist[dep.node]
        if (best && seconds >= best.seconds) continue
        best = this.assemble(dep, tree, arrivals, seconds)
      }
      const direct = this.alongOneEdge(origin, destination)
      if (direct && (!best || direct.seconds < best.seconds)) best = direct
      if (!best) return null
      return this.withAccess(best, origin, destination)
    })
  }

  /** Where a snapped point joins the graph: the edge's ends it may drive to (depart) or come from (arrive). */
  private anchors(p: RoadPoint, way: 'depart' | 'arrive'): Anchor[] {
    const k = this.edgeAt.get(p.edgeId)!
    const len = this.shapes.lengthM(k)
    const along = p.fraction * len
    const toSource = along <= AT_NODE_M
    const toTarget = len - along <= AT_NODE_M
    const out: Anchor[] = []
    // Depart towards the target / arrive from the source: travel along the edge's direction.
    if (this.cost[k] >= 0 || (way === 'depart' ? toTarget : toSource)) {
      const share = way === 'depart' ? 1 - p.fraction : p.fraction
      out.push({
        node: way === 'depart' ? this.dst[k] : this.src[k],
        costS: share * Math.max(0, this.cost[k]),
        meters: share * this.length[k],
        shape: way === 'depart' ? this.shapes.slice(k, along, len) : this.shapes.slice(k, 0, along),
      })
    }
    // Depart towards the source / arrive from the target: against the edge's direction.
    if (this.reverseCost[k] >= 0 || (way === 'depart' ? toSource : toTarget)) {
      const share = way === 'depart' ? p.fraction : 1 - p.fraction
      out.push({
        node: way === 'depart' ? this.src[k] : this.dst[k],
        costS: share * Math.max(0, this.reverseCost[k]),
        meters: share * this.length[k],
        shape: way === 'depart' ? this.shapes.slice(k, along, 0) : this.shapes.slice(k, len, along),
      })
    }
    return out
  }

  /** Origin and destination on the same edge, the destination ahead in an allowed direction. */
  private alongOneEdge(from: RoadPoint, to: RoadPoint): Leg | null {
    if (from.edgeId !== to.edgeId) return null
    const k = this.edgeAt.get(from.edgeId)!
    const forward = to.fraction >= from.fraction
    const c = forward ? this.cost[k] : this.reverseCost[k]
    const share = Math.abs(to.fraction - from.fraction)
    if (c < 0 && share > 0) return null
    const len = this.shapes.lengthM(k)
    return { seconds: share * Math.max(0, c), meters: share * this.length[k], geometry: this.shapes.slice(k, from.fraction * len, to.fraction * len) }
  }

  /** The leg from a departure anchor down the search tree to the seed it came from. */
  private assemble(dep: Anchor, tree: ReturnType<typeof searchTree>, arrivals: Anchor[], seconds: number): Leg {
    const geometry: LonLat[] = [...dep.shape]
    let meters = dep.meters
    let v = dep.node
    while (tree.via[v] >= 0) {
      const u = tree.parent[v]
      const k = this.edgeAt.get(this.graph.inEdge[tree.via[v]])!
      meters += this.length[k]
      const len = this.shapes.lengthM(k)
      appendShape(geometry, this.src[k] === v ? this.shapes.slice(k, 0, len) : this.shapes.slice(k, len, 0))
      v = u
    }
    // v is a seed, so its cost is that of its cheapest arrival anchor.
    let arrival: Anchor | undefined
    for (const a of arrivals) if (a.node === v && (!arrival || a.costS < arrival.costS)) arrival = a
    if (!arrival) throw new Error(`search tree ends at node ${this.graph.nodeIds[v]}, which is no seed`)
    appendShape(geometry, arrival.shape)
    return { seconds, meters: meters + arrival.meters, geometry }
  }

  /** Adds the off-road stretches at both ends. */
  private withAccess(leg: Leg, from: RoadPoint, to: RoadPoint): Leg {
    const geometry: LonLat[] = []
    if (from.offRoadM > 0) geometry.push([from.lon, from.lat])
    appendShape(geometry, leg.geometry)
    if (to.offRoadM > 0) appendShape(geometry, [[to.lon, to.lat]])
    if (geometry.length === 1) geometry.push(geometry[0])
    const offRoad = from.offRoadM + to.offRoadM
    return { seconds: leg.seconds + offRoad / this.accessSpeed, meters: leg.meters + offRoad, geometry }
  }
}

/** Appends a polyline, dropping its first point when it repeats the last one already there. */
function appendShape(into: LonLat[], shape: readonly LonLat[]): void {
  for (const p of shape) {
    const last = into[into.length - 1]
    if (last && last[0] === p[0] && last[1] === p[1]) continue
    into.push(p)
  }
}

/** The router over a road graph built from OSM ways (its costs already follow pgRouting's conventions). */
export function roadRouterFromRoadGraph(road: RoadGraph, options?: RoadRouterOptions): RoadRouter {
  return new RoadRouter(
    road.nodes,
    road.edges.map((e) => ({
      id: e.id, source: e.source, target: e.target, cost: e.costS, reverseCost: e.reverseCostS, lengthM: e.lengthM,
      roadClass: e.roadClass, coords: e.geometry,
    })),
    options,
  )
}

/** A leg's geometry as GeoJSON, to 7 decimals (about a centimetre). */
export function lineString(coords: readonly LonLat[]): { type: 'LineString'; coordinates: LonLat[] } {
  const r = (v: number) => Math.round(v * 1e7) / 1e7
  return { type: 'LineString', coordinates: coords.map(([x, y]) => [r(x), r(y)]) }
}
