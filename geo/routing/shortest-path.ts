import { MinHeap } from './min-heap.ts'
import type { RoutingGraph } from './graph.ts'
import { searchTree } from './search-tree.ts'

/**
 * Shortest paths on a RoutingGraph: one pair (A* when the graph allows it, else Dijkstra), or a whole tree of
 * costs from (or to) one node, optionally cut at a maximum cost. Pure and synchronous; the per-graph scratch
 * arrays are reused between searches, so a search allocates only its result.
 */

export interface Path {
  /** Sum of the arc costs, seconds. */
  costS: number
  /** Edge ids in travel order. */
  edges: number[]
  /** Node ids in travel order; `nodes.length === edges.length + 1`, so edge i runs from nodes[i] to nodes[i + 1]. */
  nodes: number[]
}

export interface ShortestPathOptions {
  /** Give up beyond this cost (seconds); the answer is then null. */
  maxCostS?: number
  /** Use the straight-line lower bound when the graph has positions and lengths (default true). */
  aStar?: boolean
}

interface Scratch {
  dist: Float64Array
  prevNode: Int32Array
  prevEdge: Int32Array
  /** A node's dist/prev are valid only when its stamp is the current generation: no clearing per search. */
  stamp: Uint32Array
  generation: number
  heap: MinHeap
}

const scratches = new WeakMap<RoutingGraph, Scratch>()

function scratchOf(graph: RoutingGraph): Scratch {
  let s = scratches.get(graph)
  if (!s) {
    const n = graph.nodeCount
    s = {
      dist: new Float64Array(n),
      prevNode: new Int32Array(n),
      prevEdge: new Int32Array(n),
      stamp: new Uint32Array(n),
      generation: 0,
      heap: new MinHeap(1024),
    }
    scratches.set(graph, s)
  }
  s.generation++
  if (s.generation === 0xffffffff) {
    s.stamp.fill(0)
    s.generation = 1
  }
  s.heap.clear()
  return s
}

const RAD = Math.PI / 180
const EARTH_RADIUS_M = 6371008.8
/** Keeps the equirectangular distance under the great-circle one the edge lengths were measured with. */
const LOWER_BOUND_FACTOR = 0.995

/** A lower bound of the seconds from node i to a fixed target, or null when the graph cannot give one. */
function heuristicTo(graph: RoutingGraph, target: number): ((i: number) => number) | null {
  if (!(graph.maxSpeedMps > 0)) return null
  const { lon, lat } = graph
  const tLon = lon[target] * RAD
  const tLat = lat[target] * RAD
  const cosT = Math.cos(tLat)
  const k = (LOWER_BOUND_FACTOR * EARTH_RADIUS_M) / graph.maxSpeedMps
  return (i) => {
    const la = lat[i] * RAD
    // The cosine of the latitude farther from the equator shortens east-west distances: a lower bound.
    const c = Math.min(cosT, Math.cos(la))
    const dx = (lon[i] * RAD - tLon) * c
    const dy = la - tLat
    return k * Math.sqrt(dx * dx + dy * dy)
  }
}

/**
 * The cheapest path from node `from` to node `to` (ids), or null when there is none (or none within
 * `maxCostS`). From a node to itself: cost 0, no edges.
 */
export function shortestPath(graph: RoutingGraph, from: number, to: number, options: ShortestPathOptions = {}): Path | null {
  const source = graph.indexOf.get(from)
  const target = graph.indexOf.get(to)
  if (source === undefined || target === undefined) return null
  if (source === target) return { costS: 0, edges: [], nodes: [from] }
  const maxCost = options.maxCostS ?? Infinity
  const h = options.aStar === false ? null : heuristicTo(graph, target)
  const s = scratchOf(graph)
  const { dist, prevNode, prevEdge, stamp, heap } = s
  const gen = s.generation
  const { outStart, outHead, outCost, outEdge } = graph

  stamp[source] = gen
  dist[source] = 0
  prevNode[source] = -1
  heap.push(source, h ? h(source) : 0)
  let found = false
  while (heap.size > 0) {
    const key = heap.peekKey()
    const u = heap.pop()
    const du = dist[u]
    // A stale entry: the node was pushed again with a better cost since.
    if (key > du + (h ? h(u) : 0) + 1e-9) continue
    if (u === target) {
      found = true
      break
    }
    // key is a lower bound of any route through u, so nothing left can come in under the limit.
    if (key > maxCost) break
    for (let a: number = outStart[u], end: number = outStart[u + 1]; a < end; a++) {
      const v = outHead[a]
      const dv = du + outCost[a]
      if (stamp[v] === gen && dv >= dist[v]) continue
      stamp[v] = gen
      dist[v] = dv
      prevNode[v] = u
      prevEdge[v] = outEdge[a]
      heap.push(v, h ? dv + h(v) : dv)
    }
  }
  if (!found || dist[target] > maxCost) return null

  const edges: number[] = []
  const nodes: number[] = []
  for (let v = target; v !== source; v = prevNode[v]) {
    nodes.push(graph.nodeIds[v])
    edges.push(prevEdge[v])
  }
  nodes.push(from)
  nodes.reverse()
  edges.reverse()
  return { costS: dist[target], edges, nodes }
}

export interface CostTreeOptions {
  /** `from`: costs of travelling from the origin to every node; `to`: from every node to the origin. */
  direction?: 'from' | 'to'
  /** Stop the search beyond this cost (seconds); farther nodes stay unreached. */
  maxCostS?: number
}

export interface CostTree {
  /** Seconds between the origin and the node (by id); Infinity when unreached or unknown. */
  costS(nodeId: number): number
  /** By dense node index (graph.nodeIds order); Infinity when unreached. */
  readonly costs: Float64Array
  /** Nodes reached, the origin included. */
  readonly reached: number
}

/**
 * Dijkstra from one node to all (or, with `direction: 'to'`, from all nodes to one, over the arriving arcs):
 * what a dispatcher needs to rank units by road time to an incident with one search.
 */
export function costTree(graph: RoutingGraph, origin: number, options: CostTreeOptions = {}): CostTree {
  const start = graph.indexOf.get(origin)
  const tree = searchTree(graph, start === undefined ? [] : [{ node: start, costS: 0 }], options)
  const costs = tree.dist
  return {
    costs,
    reached: tree.settledCount,
    costS: (nodeId) => {
      const i = graph.indexOf.get(nodeId)
      return i === undefined ? Infinity : costs[i]
    },
  }
}
