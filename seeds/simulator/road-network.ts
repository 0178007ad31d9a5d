import Flatbush from 'flatbush'
import { metresPerDegree } from '../../geo/grids/metres-per-degree.ts'
import { largestComponentNodes } from '../../geo/routing/components.ts'
import { buildGraph, type GraphEdge, type RoutingGraph } from '../../geo/routing/graph.ts'
import type { RouterEdge } from '../../geo/routing/road-router.ts'

/**
 * The road graph as the simulator drives it: every edge's geometry packed into flat arrays with cumulative
 * lengths and segment bearings (so placing a unit along an edge is a lookup, not a computation), a routing
 * graph per way of moving, and a nearest-node index over the part of each graph where every node can reach
 * every other (so no unit is ever sent where it cannot go, or stranded at the end of a one-way street).
 */

/** A road_edge row, as read from the database: what the router reads, plus the speed and the street name. */
export interface RoadEdgeRow extends RouterEdge {
  speedKmh: number
  name: string | null
}

export interface RoadNodeRow {
  id: number
  lon: number
  lat: number
}

/** Cars and bikes follow one-way rules; people on foot walk both ways but not on motorways. */
export type Graphs = 'drive' | 'walk'

const WALK_MPS = 1.3
const NO_WALKING: ReadonlySet<string> = new Set(['motorway', 'motorway_link'])
/** Roads where a traffic officer stands and where lights stop traffic. */
export const MAJOR_ROADS: ReadonlySet<string> = new Set(['motorway', 'trunk', 'primary', 'secondary', 'trunk_link', 'primary_link'])

interface ModeIndex {
  graph: RoutingGraph
  /** Node ids of the largest strongly connected component, and a spatial index over them. */
  nodes: Int32Array
  index: Flatbush
}

export class RoadNetwork {
  readonly edgeCount: number
  /** Dense edge index -> edge id. */
  readonly edgeIds: Int32Array
  readonly source: Int32Array
  readonly target: Int32Array
  readonly speedKmh: Float32Array
  readonly roadClass: readonly string[]
  readonly name: readonly (string | null)[]
  readonly major: Uint8Array
  /** Metres, measured along the geometry. */
  readonly lengthM: Float64Array
  /** Vertices of edge e are vStart[e] ... vStart[e + 1] - 1. */
  readonly vStart: Int32Array
  readonly vLon: Float64Array
  readonly vLat: Float64Array
  /** Metres from the start of its edge to the vertex. */
  readonly vCum: Float64Array
  /** Bearing of the segment from this vertex to the next, degrees clockwise from north. */
  readonly vBearing: Float32Array
  readonly nodeLon: Float64Array
  readonly nodeLat: Float64Array
  /** Whether a node touches a major road. */
  readonly nodeMajor: Uint8Array

  private readonly edgeIndex = new Map<number, number>()
  private readonly nodeIndex = new Map<number, number>()
  private readonly modes: Record<Graphs, ModeIndex>
  /** Metres per degree at the city's mean latitude. */
  readonly metresPerLon: number
  readonly metresPerLat: number

  constructor(nodes: readonly RoadNodeRow[], edges: readonly RoadEdgeRow[]) {
    const usable = edges.filter((e) => e.coords.length >= 2)
    const E = (this.edgeCount = usable.length)
    this.nodeLon = new Float64Array(nodes.length)
    this.nodeLat = new Float64Array(nodes.length)
    nodes.forEach((n, i) => {
      this.nodeIndex.set(n.id, i)
      this.nodeLon[i] = n.lon
      this.nodeLat[i] = n.lat
    })
    let latSum = 0
    for (const n of nodes) latSum += n.lat
    const scale = metresPerDegree(nodes.length ? latSum / nodes.length : 0)
    this.metresPerLon = scale.lon
    this.metresPerLat = scale.lat

    this.edgeIds = new Int32Array(E)
    this.source = new Int32Array(E)
    this.target = new Int32Array(E)
    this.speedKmh = new Float32Array(E)
    this.lengthM = new Float64Array(E)
    this.major = new Uint8Array(E)
    this.vStart = new Int32Array(E + 1)
    const classes: string[] = []
    const names: (string | null)[] = []
    let vertices = 0
    for (const e of usable) vertices += e.coords.length
    this.vLon = new Float64Array(vertices)
    this.vLat = new Float64Array(vertices)
    this.vCum = new Float64Array(vertices)
    this.vBearing = new Float32Array(vertices)
    this.nodeMajor = new Uint8Array(nodes.length)

    let v = 0
    usable.forEach((e, i) => {
      this.edgeIndex.set(e.id, i)
      this.edgeIds[i] = e.id
      this.source[i] = e.source
      this.target[i] = e.target
      this.speedKmh[i] = e.speedKmh
      classes.push(e.roadClass)
      names.push(e.name)
      const isMajor = MAJOR_ROADS.has(e.roadClass)
      this.major[i] = isMajor ? 1 : 0
      if (isMajor) {
        for (const id of [e.source, e.target]) {
          const k = this.nodeIndex.get(id)
          if (k !== undefined) this.nodeMajor[k] = 1
        }
      }
      this.vStart[i] = v
      let cum = 0
      for (let k = 0; k < e.coords.length; k++, v++) {
        const [lon, lat] = e.coords[k]
        this.vLon[v] = lon
        this.vLat[v] = lat
        if (k > 0) {
          const s = metresPerDegree((lat + this.vLat[v - 1]) / 2)
          const dx = (lon - this.vLon[v - 1]) * s.lon
          const dy = (lat - this.vLat[v - 1]) * s.lat
          cum += Math.hypot(dx, dy)
          this.vBearing[v - 1] = bearingDeg(dx, dy)
        }
        this.vCum[v] = cum
      }
      this.vBearing[v - 1] = this.vBearing[Math.max(this.vStart[i], v - 2)]
      this.lengthM[i] = cum
    })
    this.vStart[E] = v
    this.roadClass = classes
    this.name = names

    const drive: GraphEdge[] = usable.map((e) => ({
      id: e.id, source: e.source, target: e.target, cost: e.cost, reverseCost: e.reverseCost, lengthM: e.lengthM,
    }))
    const walk: GraphEdge[] = usable.map((e) => {
      const cost = NO_WALKING.has(e.roadClass) ? -1 : e.lengthM / WALK_MPS
      return { id: e.id, source: e.source, target: e.target, cost, reverseCost: cost, lengthM: e.lengthM }
    })
    this.modes = { drive: this.modeIndex(drive, nodes), walk: this.modeIndex(walk, nodes) }
  }

  private modeIndex(edges: GraphEdge[], nodes: readonly RoadNodeRow[]): ModeIndex {
    const graph = buildGraph(edges, { nodes })
    const ids = Int32Array.from(largestComponentNodes(graph))
    const index = new Flatbush(Math.max(1, ids.length))
    for (const id of ids) {
      const [x, y] = this.xy(this.nodeLon[this.nodeIndex.get(id)!], this.nodeLat[this.nodeIndex.get(id)!])
      index.add(x, y, x, y)
    }
    if (ids.length === 0) index.add(0, 0, 0, 0)
    index.finish()
    return { graph, nodes: ids, index }
  }

  graph(mode: Graphs): RoutingGraph {
    return this.modes[mode].graph
  }

  /** Nodes a unit of this mode may start from, stop at or head for. */
  reachableNodes(mode: Graphs): Int32Array {
    return this.modes[mode].nodes
  }

  /** Local metres (an equirectangular projection at the city's mean latitude). */
  xy(lon: number, lat: number): [number, number] {
    return [lon * this.metresPerLon, lat * this.metresPerLat]
  }

  fromXy(x: number, y: number): [number, number] {
    return [x / this.metresPerLon, y / this.metresPerLat]
  }

  /** The nearest well-connected node, optionally among those passing `filter`; null on an empty network. */
  nearestNode(mode: Graphs, lon: number, lat: number, filter?: (nodeId: number) => boolean): number | null {
    const m = this.modes[mode]
    if (m.nodes.length === 0) return null
    const [x, y] = this.xy(lon, lat)
    const hit = m.index.neighbors(x, y, 1, Infinity, filter ? (i) => filter(m.nodes[i]) : undefined)
    return hit.length ? m.nodes[hit[0]] : null
  }

  nodeIdx(nodeId: number): number {
    const i = this.nodeIndex.get(nodeId)
    if (i === undefined) throw new RangeError(`unknown road node ${nodeId}`)
    return i
  }

  edgeIdx(edgeId: number): number {
    const i = this.edgeIndex.get(edgeId)
    if (i === undefined) throw new RangeError(`unknown road edge ${edgeId}`)
    return i
  }

  /** Name of a road at a node (the first named edge leaving it), for addresses. */
  streetNear(lon: number, lat: number): string | null {
    const node = this.nearestNode('walk', lon, lat) ?? this.nearestNode('drive', lon, lat)
    if (node === null) return null
    const g = this.modes.walk.graph
    const i = g.indexOf.get(node)
    if (i === undefined) return null
    for (let a = g.outStart[i]; a < g.outStart[i + 1]; a++) {
      const n = this.name[this.edgeIdx(g.outEdge[a])]
      if (n) return n
    }
    return null
  }
}

function bearingDeg(dx: number, dy: number): number {
  if (dx === 0 && dy === 0) return 0
  const deg = (Math.atan2(dx, dy) * 180) / Math.PI
  return deg < 0 ? deg + 360 : deg
}
