import { readFileSync } from 'node:fs'
import type { FeatureCollection, LineString } from 'geojson'
import { describe, expect, it } from 'vitest'
import { buildRoadGraph, roadGraphStats, type RoadEdge, type RoadGraph } from './build-road-graph.ts'
import { DEFAULT_SPEEDS_KMH, parseMaxspeedKmh, parseOneway, travelSpeedKmh } from './road-classes.ts'
import type { RoadTags } from './road-classes.ts'

const fixture: FeatureCollection<LineString, RoadTags> = JSON.parse(
  readFileSync(new URL('./fixtures/junctions.geojson', import.meta.url), 'utf8'),
)

// 0.001 degree along the equator (or a meridian) on the mean-radius sphere.
const STEP_M = (6371008.8 * 0.001 * Math.PI) / 180

function edgesOf(graph: RoadGraph, osmId: number): RoadEdge[] {
  return graph.edges.filter((e) => e.osmId === osmId)
}

describe('buildRoadGraph', () => {
  const graph = buildRoadGraph(fixture.features)

  it('nodes ways at shared vertices and ends only, ignoring non-drivable ways', () => {
    expect(graph.nodes).toHaveLength(15)
    expect(graph.edges).toHaveLength(12)
    expect(edgesOf(graph, 3)).toHaveLength(0)
    expect(edgesOf(graph, 10)).toHaveLength(0)
    // The footway's vertex at 0.0005 is on the east-west street but does not split it.
    expect(edgesOf(graph, 1).map((e) => e.geometry.length)).toEqual([3, 2])
  })

  it('splits a plus-shaped crossing into four edges meeting at one node', () => {
    const plus = [...edgesOf(graph, 1), ...edgesOf(graph, 2)]
    expect(plus).toHaveLength(4)
    const centre = graph.nodes.find((n) => n.lon === 0.001 && n.lat === 0)!
    expect(plus.every((e) => e.source === centre.id || e.target === centre.id)).toBe(true)
    for (const e of plus) expect(e.lengthM).toBeCloseTo(STEP_M, 3)
  })

  it('splits the bar of a T where the one-way stem joins it', () => {
    expect(edgesOf(graph, 4)).toHaveLength(2)
    const [stem] = edgesOf(graph, 5)
    expect(stem).toMatchObject({ oneway: 1, reverseCostS: -1, roadClass: 'tertiary' })
    expect(graph.nodes[stem.target]).toMatchObject({ lon: 0.011, lat: 0 })
  })

  it('flips a way that is one-way against its geometry', () => {
    const [edge] = edgesOf(graph, 6)
    expect(edge.oneway).toBe(1)
    expect(edge.geometry).toEqual([
      [0.021, 0],
      [0.02, 0],
    ])
    expect(graph.nodes[edge.source]).toMatchObject({ lon: 0.021, lat: 0 })
    expect(edge.reverseCostS).toBe(-1)
  })

  it('makes a roundabout one-way and splits it at its arms only', () => {
    const ring = edgesOf(graph, 7)
    expect(ring).toHaveLength(2)
    for (const e of ring) {
      expect(e).toMatchObject({ oneway: 1, reverseCostS: -1 })
      expect(e.lengthM).toBeCloseTo(2 * STEP_M, 3)
    }
    expect(ring[0].target).toBe(ring[1].source)
    expect(ring[1].target).toBe(ring[0].source)
  })

  it('prices edges from length and the lower of class speed and maxspeed', () => {
    const [plusEdge] = edgesOf(graph, 1)
    expect(plusEdge.speedKmh).toBe(DEFAULT_SPEEDS_KMH.residential)
    expect(plusEdge.costS).toBeCloseTo(plusEdge.lengthM / (DEFAULT_SPEEDS_KMH.residential / 3.6), 9)
    expect(plusEdge.reverseCostS).toBe(plusEdge.costS)
    expect(edgesOf(graph, 5)[0].speedKmh).toBe(DEFAULT_SPEEDS_KMH.tertiary)
    expect(edgesOf(graph, 6)[0].speedKmh).toBe(20)
  })

  it('gives nodes and edges their index as id and geometry running from source to target', () => {
    graph.nodes.forEach((n, i) => expect(n.id).toBe(i))
    graph.edges.forEach((e, i) => {
      expect(e.id).toBe(i)
      expect(e.geometry[0]).toEqual([graph.nodes[e.source].lon, graph.nodes[e.source].lat])
      expect(e.geometry.at(-1)).toEqual([graph.nodes[e.target].lon, graph.nodes[e.target].lat])
      expect(e.lengthM).toBeGreaterThan(0)
      expect(e.costS).toBeGreaterThan(0)
    })
  })

  it('takes a speed table', () => {
    const fast = buildRoadGraph(fixture.features, { speedsKmh: { ...DEFAULT_SPEEDS_KMH, residential: 60 } })
    expect(edgesOf(fast, 1)[0].speedKmh).toBe(60)
    expect(edgesOf(fast, 6)[0].speedKmh).toBe(20)
  })

  it('summarises the graph', () => {
    const stats = roadGraphStats(graph)
    expect(stats).toMatchObject({ nodes: 15, edges: 12, oneWayEdges: 4 })
    // plus 4, T bar 2 + stem 1, flipped 1, ring 2 x 2, arms 2: 14 steps of 0.001 degree.
    expect(stats.km).toBeCloseTo((14 * STEP_M) / 1000, 6)
    expect(stats.byClass.primary).toEqual({ edges: 2, km: expect.closeTo((4 * STEP_M) / 1000, 6) })
  })
})

describe('road classes', () => {
  it('parses oneway tags', () => {
    const highway = 'residential'
    for (const oneway of ['yes', '1', 'true']) expect(parseOneway({ highway, oneway })).toBe(1)
    for (const oneway of ['-1', 'reverse']) expect(parseOneway({ highway, oneway })).toBe(-1)
    for (const oneway of ['no', 'reversible', undefined]) expect(parseOneway({ highway, oneway })).toBe(0)
    expect(parseOneway({ highway, junction: 'roundabout' })).toBe(1)
    expect(parseOneway({ highway: 'motorway' })).toBe(1)
  })

  it('parses maxspeed in km/h', () => {
    expect(parseMaxspeedKmh('45')).toBe(45)
    expect(parseMaxspeedKmh('50 km/h')).toBe(50)
    expect(parseMaxspeedKmh('30 mph')).toBeCloseTo(48.28, 2)
    for (const v of ['none', 'walk', 'UY:urban', '0', undefined]) expect(parseMaxspeedKmh(v)).toBeNull()
    expect(travelSpeedKmh('trunk', '90')).toBe(DEFAULT_SPEEDS_KMH.trunk)
    expect(travelSpeedKmh('trunk', 'none')).toBe(DEFAULT_SPEEDS_KMH.trunk)
  })
})
