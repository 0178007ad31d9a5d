import { readFileSync } from 'node:fs'
import type { FeatureCollection, LineString } from 'geojson'
import { describe, expect, it } from 'vitest'
import { createRng } from '../random.ts'
import { buildRoadGraph, type RoadFeature } from '../road-graph/build-road-graph.ts'
import { largestComponentNodes, stronglyConnectedComponents } from './components.ts'
import { buildGraph, routingGraphFromRoadGraph, type GraphEdge, type GraphNode } from './graph.ts'
import { MinHeap } from './min-heap.ts'
import { costTree, shortestPath } from './shortest-path.ts'

interface EdgeProps {
  id: number
  source: number
  target: number
  cost: number
  reverse_cost: number
  length_m: number
}

/**
 * A ladder: the top rung 1-2-3 is slow, the bottom 4-5-6 fast, the east side 6->3 one-way north, 6->9 a
 * one-way into a dead end, and 7-8 an island.
 *   1 --60-- 2 --60-- 3
 *   |30      |100     ^30
 *   4 --20-- 5 --20-- 6 --10--> 9        7 --10-- 8
 */
const ladder: FeatureCollection<LineString, EdgeProps> = JSON.parse(
  readFileSync(new URL('./fixtures/ladder.geojson', import.meta.url), 'utf8'),
)
const ladderEdges: GraphEdge[] = ladder.features.map(({ properties: p }) => ({
  id: p.id, source: p.source, target: p.target, cost: p.cost, reverseCost: p.reverse_cost, lengthM: p.length_m,
}))
const ladderNodes: GraphNode[] = ladder.features.flatMap(({ properties: p, geometry: g }) => [
  { id: p.source, lon: g.coordinates[0][0], lat: g.coordinates[0][1] },
  { id: p.target, lon: g.coordinates[1][0], lat: g.coordinates[1][1] },
])

describe('MinHeap', () => {
  it('pops items in key order, growing as needed', () => {
    const rng = createRng('heap')
    const heap = new MinHeap(2)
    const keys = Array.from({ length: 500 }, () => rng() * 100)
    keys.forEach((k, i) => heap.push(i, k))
    expect(heap.size).toBe(500)
    const out: number[] = []
    while (heap.size) {
      const k = heap.peekKey()
      out.push(k)
      expect(keys[heap.pop()]).toBe(k)
    }
    expect(out).toEqual([...keys].sort((a, b) => a - b))
    expect(heap.pop()).toBe(-1)
    expect(heap.peekKey()).toBe(Infinity)
  })
})

describe('buildGraph', () => {
  it('keeps allowed directions only, in compact adjacency arrays', () => {
    const g = buildGraph(ladderEdges, { nodes: ladderNodes })
    expect(g.nodeCount).toBe(9)
    // 7 two-way edges (14 arcs) and 2 one-ways.
    expect(g.arcCount).toBe(16)
    const out = (id: number) => {
      const i = g.indexOf.get(id)!
      return Array.from(g.outHead.subarray(g.outStart[i], g.outStart[i + 1]), (j) => g.nodeIds[j]).sort()
    }
    expect(out(6)).toEqual([3, 5, 9])
    expect(out(3)).toEqual([2])
    expect(out(9)).toEqual([])
    // The island: 91.2 m in 10 s.
    expect(g.maxSpeedMps).toBeCloseTo(9.12, 6)
  })

  it('drops edges closed both ways and rejects NaN costs', () => {
    const g = buildGraph([{ id: 1, source: 1, target: 2, cost: -1, reverseCost: -1 }])
    expect(g.nodeCount).toBe(0)
    expect(() => buildGraph([{ id: 1, source: 1, target: 2, cost: NaN, reverseCost: 1 }])).toThrow(/NaN/)
  })

  it('does without A* when lengths or positions are missing', () => {
    expect(buildGraph(ladderEdges).maxSpeedMps).toBe(0)
    expect(buildGraph(ladderEdges.map(({ lengthM: _, ...e }) => e), { nodes: ladderNodes }).maxSpeedMps).toBe(0)
  })
})

describe('shortestPath', () => {
  for (const aStar of [true, false]) {
    describe(aStar ? 'A*' : 'Dijkstra', () => {
      const g = buildGraph(ladderEdges, { nodes: ladderNodes })
      const route = (a: number, b: number) => shortestPath(g, a, b, { aStar })

      it('takes the fast bottom road and the one-way up', () => {
        expect(route(1, 3)).toEqual({ costS: 100, edges: [3, 4, 5, 6], nodes: [1, 4, 5, 6, 3] })
      })

      it('cannot go back down the one-way', () => {
        expect(route(3, 1)).toEqual({ costS: 120, edges: [2, 1], nodes: [3, 2, 1] })
        expect(route(3, 6)).toEqual({ costS: 180, edges: [2, 7, 5], nodes: [3, 2, 5, 6] })
      })

      it('answers null when there is no way, and an empty path to itself', () => {
        expect(route(9, 1)).toBeNull()
        expect(route(1, 7)).toBeNull()
        expect(route(1, 42)).toBeNull()
        expect(route(5, 5)).toEqual({ costS: 0, edges: [], nodes: [5] })
      })

      it('gives up beyond maxCostS', () => {
        expect(shortestPath(g, 1, 3, { aStar, maxCostS: 99 })).toBeNull()
        expect(shortestPath(g, 1, 3, { aStar, maxCostS: 100 })?.costS).toBe(100)
      })
    })
  }

  it('agrees with Floyd-Warshall on random one-way-riddled street networks', () => {
    const problems: string[] = []
    for (let trial = 0; trial < 25; trial++) {
      const rng = createRng('random-graphs', String(trial))
      const n = 25
      const nodes: GraphNode[] = Array.from({ length: n }, (_, i) => ({
        id: 100 + i * 7, lon: -56.2 + rng() * 0.03, lat: -34.9 + rng() * 0.03,
      }))
      const edges: GraphEdge[] = []
      for (let k = 0; k < 60; k++) {
        const a = nodes[Math.floor(rng() * n)]
        const b = nodes[Math.floor(rng() * n)]
        const lengthM = haversineM(a, b) * (1 + rng() * 0.3)
        const cost = lengthM / (3 + rng() * 20)
        const kind = rng()
        edges.push({
          id: k, source: a.id, target: b.id, lengthM,
          cost: kind < 0.15 ? -1 : cost, reverseCost: kind > 0.7 ? -1 : cost * (0.8 + rng() * 0.4),
        })
      }
      const g = buildGraph(edges, { nodes })
      const ids = nodes.map((x) => x.id)
      const best = floydWarshall(ids, edges)
      const close = (x: number, y: number) => x === y || Math.abs(x - y) < 1e-6
      for (const a of ids) {
        const tree = costTree(g, a)
        const back = costTree(g, a, { direction: 'to' })
        for (const b of ids) {
          const inGraph = g.indexOf.has(a) && g.indexOf.has(b)
          const want = inGraph ? best.get(`${a},${b}`) ?? Infinity : Infinity
          const where = `trial ${trial}, ${a} -> ${b}`
          for (const aStar of [true, false]) {
            const p = shortestPath(g, a, b, { aStar })
            if (want === Infinity) {
              if (p !== null) problems.push(`${where}: found a path where there is none`)
              continue
            }
            if (!p || !close(p.costS, want)) {
              problems.push(`${where} (${aStar ? 'A*' : 'Dijkstra'}): ${p?.costS} instead of ${want}`)
              continue
            }
            // The path is real: consecutive, allowed, and its costs add up.
            let sum = 0
            p.edges.forEach((id, i) => {
              const e = edges[id]
              const fwd = e.source === p.nodes[i] && e.target === p.nodes[i + 1] && e.cost >= 0
              const rev = e.target === p.nodes[i] && e.source === p.nodes[i + 1] && e.reverseCost >= 0
              if (!fwd && !rev) problems.push(`${where}: edge ${id} cannot be driven from ${p.nodes[i]} to ${p.nodes[i + 1]}`)
              sum += fwd && (!rev || e.cost <= e.reverseCost) ? e.cost : e.reverseCost
            })
            if (!close(sum, want)) problems.push(`${where}: edges add up to ${sum}, not ${want}`)
          }
          if (inGraph && !close(tree.costS(b), want)) problems.push(`${where}: tree says ${tree.costS(b)}`)
          const wantBack = inGraph ? best.get(`${b},${a}`) ?? Infinity : Infinity
          if (inGraph && !close(back.costS(b), wantBack)) problems.push(`${where}: reverse tree says ${back.costS(b)}`)
        }
      }
    }
    expect(problems).toEqual([])
  })
})

describe('costTree', () => {
  const g = buildGraph(ladderEdges, { nodes: ladderNodes })

  it('costs from a node to all others', () => {
    const t = costTree(g, 1)
    expect([1, 2, 3, 4, 5, 6, 9].map((id) => t.costS(id))).toEqual([0, 60, 100, 30, 50, 70, 80])
    expect(t.costS(7)).toBe(Infinity)
    expect(t.reached).toBe(7)
  })

  it('costs from all nodes to one, over arriving arcs', () => {
    const t = costTree(g, 1, { direction: 'to' })
    expect([2, 3, 6, 9].map((id) => t.costS(id))).toEqual([60, 120, 70, Infinity])
  })

  it('stops at maxCostS', () => {
    const t = costTree(g, 1, { maxCostS: 60 })
    expect(t.costS(2)).toBe(60)
    expect(t.costS(3)).toBe(Infinity)
    expect(t.reached).toBe(4)
  })
})

describe('strongly connected components', () => {
  it('separates the island and the dead end, largest first', () => {
    const g = buildGraph(ladderEdges)
    const { component, sizes } = stronglyConnectedComponents(g)
    expect(sizes).toEqual([6, 2, 1])
    expect(largestComponentNodes(g).sort()).toEqual([1, 2, 3, 4, 5, 6])
    expect(component[g.indexOf.get(9)!]).toBe(2)
  })

  it('survives a 100,000-node chain without recursion', () => {
    const edges: GraphEdge[] = Array.from({ length: 100_000 }, (_, i) => ({ id: i, source: i, target: i + 1, cost: 1, reverseCost: 1 }))
    expect(stronglyConnectedComponents(buildGraph(edges)).sizes).toEqual([100_001])
  })
})

describe('routingGraphFromRoadGraph', () => {
  it('routes on a graph built from OSM ways, respecting their one-ways', () => {
    const fc: FeatureCollection<LineString> = JSON.parse(
      readFileSync(new URL('../road-graph/fixtures/junctions.geojson', import.meta.url), 'utf8'),
    )
    const road = buildRoadGraph(fc.features as RoadFeature[])
    const g = routingGraphFromRoadGraph(road)
    const at = (lon: number, lat: number) => road.nodes.find((n) => n.lon === lon && n.lat === lat)!.id
    // The T stem is one-way from (0.011, 0.001) down to the bar.
    const top = at(0.011, 0.001)
    const barEnd = at(0.012, 0)
    expect(shortestPath(g, top, barEnd)).not.toBeNull()
    expect(shortestPath(g, barEnd, top)).toBeNull()
    const p = shortestPath(g, top, barEnd)!
    expect(p.costS).toBeCloseTo(p.edges.reduce((s, id) => s + road.edges[id].costS, 0), 9)
  })
})

function haversineM(a: GraphNode, b: GraphNode): number {
  const r = Math.PI / 180
  const dLat = (b.lat - a.lat) * r
  const dLon = (b.lon - a.lon) * r
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * r) * Math.cos(b.lat * r) * Math.sin(dLon / 2) ** 2
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h))
}

function floydWarshall(ids: number[], edges: GraphEdge[]): Map<string, number> {
  const n = ids.length
  const at = new Map(ids.map((id, i) => [id, i]))
  const d = new Float64Array(n * n).fill(Infinity)
  for (let i = 0; i < n; i++) d[i * n + i] = 0
  const relax = (a: number, b: number, c: number) => {
    if (c < d[a * n + b]) d[a * n + b] = c
  }
  for (const e of edges) {
    if (e.cost >= 0) relax(at.get(e.source)!, at.get(e.target)!, e.cost)
    if (e.reverseCost >= 0) relax(at.get(e.target)!, at.get(e.source)!, e.reverseCost)
  }
  for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) relax(i, j, d[i * n + k] + d[k * n + j])
  const out = new Map<string, number>()
  ids.forEach((a, i) => ids.forEach((b, j) => out.set(`${a},${b}`, d[i * n + j])))
  return out
}
