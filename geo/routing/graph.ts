import type { RoadGraph } from '../road-graph/build-road-graph.ts'

/**
 * An in-memory routing graph over road edges in pgRouting's shape: each edge has a source and a target node,
 * a cost from source to target and a reverse cost back, in seconds; a negative cost (pgRouting uses -1) means
 * that direction is not allowed. Node ids may be any integers; inside, nodes are dense indices and arcs sit in
 * compressed adjacency arrays (one for leaving arcs, one for arriving arcs), so a search touches typed arrays
 * only.
 */

/** Edge and node ids are 32-bit integers, as in pgRouting's tables. */
export interface GraphEdge {
  id: number
  source: number
  target: number
  /** Seconds from source to target; negative: not allowed. */
  cost: number
  /** Seconds from target to source; negative: not allowed. */
  reverseCost: number
  /** Metres; when every usable edge has it and nodes have coordinates, searches can use A*. */
  lengthM?: number
}

export interface GraphNode {
  id: number
  lon: number
  lat: number
}

export interface RoutingGraph {
  readonly nodeCount: number
  readonly arcCount: number
  /** Dense index -> node id. */
  readonly nodeIds: Int32Array
  /** Node id -> dense index. */
  readonly indexOf: ReadonlyMap<number, number>
  /** Leaving arcs of node i are outArc[outStart[i]] ... outArc[outStart[i + 1] - 1]. */
  readonly outStart: Int32Array
  readonly outHead: Int32Array
  readonly outCost: Float64Array
  readonly outEdge: Int32Array
  /** Arriving arcs, the same way: inTail is where the arc comes from. */
  readonly inStart: Int32Array
  readonly inTail: Int32Array
  readonly inCost: Float64Array
  readonly inEdge: Int32Array
  /** Degrees; NaN where the node's position is unknown. */
  readonly lon: Float64Array
  readonly lat: Float64Array
  /**
   * The fastest any arc allows (length over cost), in m/s: a straight line at this speed is a lower bound of
   * any route, which is what makes A* exact. 0 when lengths or positions are missing (A* then falls back to
   * plain Dijkstra).
   */
  readonly maxSpeedMps: number
}

export interface BuildGraphOptions {
  /** Positions of the nodes, for A*. Nodes without edges are ignored. */
  nodes?: Iterable<GraphNode>
}

/**
 * Builds the graph. Throws on a NaN cost; edges with both directions forbidden are kept out. A self-loop is
 * kept (it never lies on a shortest path but is still an arc of the node).
 */
export function buildGraph(edges: Iterable<GraphEdge>, options: BuildGraphOptions = {}): RoutingGraph {
  const indexOf = new Map<number, number>()
  const ids: number[] = []
  const dense = (id: number): number => {
    let i = indexOf.get(id)
    if (i === undefined && (id | 0) !== id) throw new RangeError(`node id ${id} is not a 32-bit integer`)
    if (i === undefined) {
      i = ids.length
      ids.push(id)
      indexOf.set(id, i)
    }
    return i
  }

  // One pass to collect arcs as flat lists, then a counting sort into the adjacency arrays.
  const tails: number[] = []
  const heads: number[] = []
  const costs: number[] = []
  const edgeIds: number[] = []
  let lengthsKnown = true
  let maxSpeed = 0
  for (const e of edges) {
    if (Number.isNaN(e.cost) || Number.isNaN(e.reverseCost)) throw new RangeError(`edge ${e.id} has a NaN cost`)
    const forward = e.cost >= 0
    const backward = e.reverseCost >= 0
    if (!forward && !backward) continue
    if ((e.id | 0) !== e.id) throw new RangeError(`edge id ${e.id} is not a 32-bit integer`)
    const s = dense(e.source)
    const t = dense(e.target)
    const length = e.lengthM
    if (length === undefined || !(length >= 0)) lengthsKnown = false
    for (const [ok, a, b, c] of [[forward, s, t, e.cost], [backward, t, s, e.reverseCost]] as const) {
      if (!ok) continue
      tails.push(a)
      heads.push(b)
      costs.push(c)
      edgeIds.push(e.id)
      if (lengthsKnown && length !== undefined) {
        const speed = c > 0 ? length / c : length > 0 ? Infinity : 0
        if (speed > maxSpeed) maxSpeed = speed
      }
    }
  }

  const n = ids.length
  const m = tails.length
  const outStart = new Int32Array(n + 1)
  const inStart = new Int32Array(n + 1)
  for (let k = 0; k < m; k++) {
    outStart[tails[k] + 1]++
    inStart[heads[k] + 1]++
  }
  for (let i = 0; i < n; i++) {
    outStart[i + 1] += outStart[i]
    inStart[i + 1] += inStart[i]
  }
  const outHead = new Int32Array(m)
  const outCost = new Float64Array(m)
  const outEdge = new Int32Array(m)
  const inTail = new Int32Array(m)
  const inCost = new Float64Array(m)
  const inEdge = new Int32Array(m)
  const outFill = outStart.slice(0, n)
  const inFill = inStart.slice(0, n)
  for (let k = 0; k < m; k++) {
    const o = outFill[tails[k]]++
    outHead[o] = heads[k]
    outCost[o] = costs[k]
    outEdge[o] = edgeIds[k]
    const i = inFill[heads[k]]++
    inTail[i] = tails[k]
    inCost[i] = costs[k]
    inEdge[i] = edgeIds[k]
  }

  const lon = new Float64Array(n).fill(NaN)
  const lat = new Float64Array(n).fill(NaN)
  let positioned = 0
  for (const node of options.nodes ?? []) {
    const i = indexOf.get(node.id)
    if (i === undefined || !Number.isNaN(lon[i])) continue
    lon[i] = node.lon
    lat[i] = node.lat
    positioned++
  }
  const heuristicOk = lengthsKnown && positioned === n && Number.isFinite(maxSpeed) && maxSpeed > 0

  return {
    nodeCount: n,
    arcCount: m,
    nodeIds: Int32Array.from(ids),
    indexOf,
    outStart,
    outHead,
    outCost,
    outEdge,
    inStart,
    inTail,
    inCost,
    inEdge,
    lon,
    lat,
    maxSpeedMps: heuristicOk ? maxSpeed : 0,
  }
}

/** The routing graph of a road graph built from OSM (its costs already follow pgRouting's conventions). */
export function routingGraphFromRoadGraph(road: RoadGraph): RoutingGraph {
  return buildGraph(
    road.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, cost: e.costS, reverseCost: e.reverseCostS, lengthM: e.lengthM })),
    { nodes: road.nodes },
  )
}
