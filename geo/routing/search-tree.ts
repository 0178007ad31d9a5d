import { MinHeap } from './min-heap.ts'
import type { RoutingGraph } from './graph.ts'

/**
 * Dijkstra from one or more seeded nodes over leaving arcs (`from`) or arriving arcs (`to`), keeping for every
 * node the arc it was reached by. Seeding several nodes with costs is what lets a search start or end part-way
 * along an edge; `until` stops the search as soon as the listed nodes are settled, so ranking N units by road
 * time to one incident costs a single search that ends at the farthest of them.
 */

export interface SearchSeed {
  /** Dense node index. */
  node: number
  /** Cost already spent reaching it, seconds. */
  costS: number
}

export interface SearchTreeOptions {
  direction?: 'from' | 'to'
  /** Nodes beyond this cost stay unreached. */
  maxCostS?: number
  /** Dense node indices: stop once every one of them is settled (or proven unreachable). */
  until?: ArrayLike<number>
}

export interface SearchTree {
  direction: 'from' | 'to'
  /** Seconds by dense index; exact where `settled`, Infinity where unreached. */
  dist: Float64Array
  /**
   * Arc by which the node was reached, -1 for seeds and unreached nodes: an index into the graph's out* arrays
   * for `from` (the arc arrives at the node), into in* for `to` (the arc leaves the node towards the seeds).
   */
  via: Int32Array
  /** The node the search came from (for `to`, the next node on the way to the seeds); -1 like `via`. */
  parent: Int32Array
  settled: Uint8Array
  settledCount: number
}

export function searchTree(graph: RoutingGraph, seeds: Iterable<SearchSeed>, options: SearchTreeOptions = {}): SearchTree {
  const n = graph.nodeCount
  const direction = options.direction ?? 'from'
  const backward = direction === 'to'
  const first = backward ? graph.inStart : graph.outStart
  const other = backward ? graph.inTail : graph.outHead
  const cost = backward ? graph.inCost : graph.outCost
  const maxCost = options.maxCostS ?? Infinity
  const dist = new Float64Array(n).fill(Infinity)
  const via = new Int32Array(n).fill(-1)
  const parent = new Int32Array(n).fill(-1)
  const settled = new Uint8Array(n)
  const heap = new MinHeap(256)

  for (const { node, costS } of seeds) {
    if (node < 0 || node >= n || !(costS < dist[node]) || costS > maxCost) continue
    dist[node] = costS
    heap.push(node, costS)
  }

  // Targets still to settle; duplicates in `until` count once.
  let pending = -1
  let wanted: Uint8Array | undefined
  if (options.until) {
    wanted = new Uint8Array(n)
    pending = 0
    for (let k = 0; k < options.until.length; k++) {
      const t = options.until[k]
      if (t >= 0 && t < n && !wanted[t]) {
        wanted[t] = 1
        pending++
      }
    }
  }

  let settledCount = 0
  while (heap.size > 0 && pending !== 0) {
    const key = heap.peekKey()
    const u = heap.pop()
    if (settled[u] || key > dist[u]) continue
    settled[u] = 1
    settledCount++
    if (wanted?.[u]) pending--
    for (let a: number = first[u], end: number = first[u + 1]; a < end; a++) {
      const v = other[a]
      const dv = key + cost[a]
      if (dv < dist[v] && dv <= maxCost) {
        dist[v] = dv
        via[v] = a
        parent[v] = u
        heap.push(v, dv)
      }
    }
  }
  return { direction, dist, via, parent, settled, settledCount }
}
