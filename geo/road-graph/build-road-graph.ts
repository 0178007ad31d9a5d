import type { Feature, LineString, MultiLineString, Position } from 'geojson'
import {
  DEFAULT_SPEEDS_KMH,
  isDrivable,
  parseOneway,
  travelSpeedKmh,
  type RoadClass,
  type RoadTags,
  type SpeedTable,
} from './road-classes.ts'

export type LonLat = [number, number]

/** `id` equals the node's index in `RoadGraph.nodes`. */
export interface RoadNode {
  id: number
  lon: number
  lat: number
}

/** `id` equals the edge's index in `RoadGraph.edges`; costs follow pgRouting (-1: direction not allowed). */
export interface RoadEdge {
  id: number
  source: number
  target: number
  lengthM: number
  roadClass: RoadClass
  /** 1: source->target only, 0: both ways. Ways tagged against their geometry are flipped. */
  oneway: 0 | 1
  speedKmh: number
  costS: number
  reverseCostS: number
  osmId: number | null
  name: string | null
  /** From source to target. */
  geometry: LonLat[]
}

export interface RoadGraph {
  nodes: RoadNode[]
  edges: RoadEdge[]
}

export type RoadFeature = Feature<LineString | MultiLineString, RoadTags>

export interface BuildRoadGraphOptions {
  speedsKmh?: SpeedTable
}

interface Way {
  coords: LonLat[]
  tags: RoadTags
  roadClass: RoadClass
  oneway: 0 | 1
}

/**
 * Nodes the drivable ways into a routable graph: a node at every way end and at every vertex used more
 * than once (by two ways, or twice by one). Non-drivable ways are ignored.
 */
export function buildRoadGraph(features: Iterable<RoadFeature>, options: BuildRoadGraphOptions = {}): RoadGraph {
  const speeds = options.speedsKmh ?? DEFAULT_SPEEDS_KMH
  const ways = drivableWays(features)

  const uses = new Map<string, number>()
  for (const { coords } of ways) {
    for (const p of coords) {
      const k = key(p)
      uses.set(k, (uses.get(k) ?? 0) + 1)
    }
  }

  const nodes: RoadNode[] = []
  const nodeIds = new Map<string, number>()
  const nodeAt = (p: LonLat): number => {
    const k = key(p)
    let id = nodeIds.get(k)
    if (id === undefined) {
      id = nodes.length
      nodes.push({ id, lon: p[0], lat: p[1] })
      nodeIds.set(k, id)
    }
    return id
  }

  const edges: RoadEdge[] = []
  for (const { coords, tags, roadClass, oneway } of ways) {
    const speedKmh = travelSpeedKmh(roadClass, tags.maxspeed, speeds)
    let start = 0
    let lengthM = 0
    for (let i = 1; i < coords.length; i++) {
      lengthM += haversineM(coords[i - 1], coords[i])
      if (i < coords.length - 1 && uses.get(key(coords[i]))! < 2) continue
      const costS = lengthM / (speedKmh / 3.6)
      edges.push({
        id: edges.length,
        source: nodeAt(coords[start]),
        target: nodeAt(coords[i]),
        lengthM,
        roadClass,
        oneway,
        speedKmh,
        costS,
        reverseCostS: oneway ? -1 : costS,
        osmId: tags['@id'] ?? null,
        name: tags.name ?? null,
        geometry: coords.slice(start, i + 1),
      })
      start = i
      lengthM = 0
    }
  }
  return { nodes, edges }
}

function drivableWays(features: Iterable<RoadFeature>): Way[] {
  const ways: Way[] = []
  for (const { geometry, properties: tags } of features) {
    if (!tags || !isDrivable(tags.highway)) continue
    const direction = parseOneway(tags)
    const lines = geometry.type === 'LineString' ? [geometry.coordinates] : geometry.coordinates
    for (const line of lines) {
      const coords = withoutRepeats(line)
      if (coords.length < 2) continue
      if (direction === -1) coords.reverse()
      ways.push({ coords, tags, roadClass: tags.highway, oneway: direction === 0 ? 0 : 1 })
    }
  }
  return ways
}

function withoutRepeats(line: Position[]): LonLat[] {
  const out: LonLat[] = []
  for (const [lon, lat] of line) {
    const last = out[out.length - 1]
    if (!last || last[0] !== lon || last[1] !== lat) out.push([lon, lat])
  }
  return out
}

function key(p: LonLat): string {
  return `${p[0]},${p[1]}`
}

const EARTH_RADIUS_M = 6371008.8

function haversineM([lon1, lat1]: LonLat, [lon2, lat2]: LonLat): number {
  const rad = Math.PI / 180
  const dLat = (lat2 - lat1) * rad
  const dLon = (lon2 - lon1) * rad
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(a))
}

export interface RoadGraphStats {
  nodes: number
  edges: number
  km: number
  oneWayEdges: number
  byClass: Partial<Record<RoadClass, { edges: number; km: number }>>
}

export function roadGraphStats({ nodes, edges }: RoadGraph): RoadGraphStats {
  const stats: RoadGraphStats = { nodes: nodes.length, edges: edges.length, km: 0, oneWayEdges: 0, byClass: {} }
  for (const edge of edges) {
    const km = edge.lengthM / 1000
    const cls = (stats.byClass[edge.roadClass] ??= { edges: 0, km: 0 })
    cls.edges++
    cls.km += km
    stats.km += km
    if (edge.oneway) stats.oneWayEdges++
  }
  return stats
}
