import type { RoutingGraph } from './graph.ts'

/**
 * Strongly connected components (Tarjan, iterative so a long road chain cannot overflow the stack). Within a
 * component every node can reach every other, so a simulator that keeps its units on the largest one never
 * picks a destination it cannot drive to, nor gets stuck at the end of a one-way street.
 */
export interface Components {
  /** Component number of each node, by dense index; numbers are dense, 0 is the largest component. */
  component: Int32Array
  /** Nodes per component, largest first. */
  sizes: number[]
}

export function stronglyConnectedComponents(graph: RoutingGraph): Components {
  const n = graph.nodeCount
  const { outStart, outHead } = graph
  const index = new Int32Array(n).fill(-1)
  const low = new Int32Array(n)
  const onStack = new Uint8Array(n)
  const stack = new Int32Array(n)
  let sp = 0
  const callNode = new Int32Array(n)
  const callArc = new Int32Array(n)
  const raw = new Int32Array(n)
  const rawSizes: number[] = []
  let counter = 0

  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue
    let depth = 0
    callNode[0] = root
    callArc[0] = outStart[root]
    index[root] = low[root] = counter++
    stack[sp++] = root
    onStack[root] = 1
    while (depth >= 0) {
      const u = callNode[depth]
      const a = callArc[depth]
      if (a < outStart[u + 1]) {
        callArc[depth] = a + 1
        const v = outHead[a]
        if (index[v] === -1) {
          index[v] = low[v] = counter++
          stack[sp++] = v
          onStack[v] = 1
          depth++
          callNode[depth] = v
          callArc[depth] = outStart[v]
        } else if (onStack[v] && index[v] < low[u]) {
          low[u] = index[v]
        }
        continue
      }
      // u is done: pop its component if it is a root, then return to the caller.
      if (low[u] === index[u]) {
        const c = rawSizes.length
        let size = 0
        let w: number
        do {
          w = stack[--sp]
          onStack[w] = 0
          raw[w] = c
          size++
        } while (w !== u)
        rawSizes.push(size)
      }
      depth--
      if (depth >= 0) {
        const parent = callNode[depth]
        if (low[u] < low[parent]) low[parent] = low[u]
      }
    }
  }

  // Renumber by size, largest first (ties by discovery order, for determinism).
  const order = rawSizes.map((_, c) => c).sort((a, b) => rawSizes[b] - rawSizes[a] || a - b)
  const rank = new Int32Array(order.length)
  order.forEach((c, r) => (rank[c] = r))
  const component = new Int32Array(n)
  for (let i = 0; i < n; i++) component[i] = rank[raw[i]]
  return { component, sizes: order.map((c) => rawSizes[c]) }
}

/** Ids of the nodes in the largest strongly connected component. */
export function largestComponentNodes(graph: RoutingGraph): number[] {
  const { component } = stronglyConnectedComponents(graph)
  const ids: number[] = []
  for (let i = 0; i < graph.nodeCount; i++) if (component[i] === 0) ids.push(graph.nodeIds[i])
  return ids
}
