import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { buildRoadGraph, type RoadFeature } from '../road-graph/build-road-graph.ts'
import { DEFAULT_SPEEDS_KMH } from '../road-graph/road-classes.ts'
import { roadRouterFromRoadGraph, type RoadPoint } from './road-router.ts'

/**
 * River town (units of 0.001°, origin -56.2, -34.9): a primary road along the north bank (y = 2), a residential
 * road along the south bank (y = 0), one bridge at x = 20, a one-way loop leaving the north road at x = 5 and
 * rejoining it at x = 0 over y = 4, and an island road at x = 30..31.
 */
const features = (JSON.parse(readFileSync(new URL('./fixtures/river-town.geojson', import.meta.url), 'utf8')) as { features: RoadFeature[] }).features
const road = buildRoadGraph(features)
const router = roadRouterFromRoadGraph(road)
const at = (x: number, y: number): [number, number] => [+(-56.2 + 0.001 * x).toFixed(7), +(-34.9 + 0.001 * y).toFixed(7)]
const snap = (x: number, y: number): RoadPoint => {
  const p = router.snap(...at(x, y))
  if (!p) throw new Error(`(${x}, ${y}) is off the network`)
  return p
}
/** Metres per unit east and north, as the road graph measured its edges. */
const edgeBetween = (a: [number, number], b: [number, number]) => {
  const [s, t] = [a, b].map(([x, y]) => road.nodes.find((n) => n.lon === at(x, y)[0] && n.lat === at(x, y)[1])!.id)
  return road.edges.find((e) => e.source === s && e.target === t)!
}
const mx = edgeBetween([0, 2], [5, 2]).lengthM / 5
const my = edgeBetween([20, 2], [20, 0]).lengthM / 2
const rounded = (line: [number, number][]) => line.map(([x, y]) => [+x.toFixed(7), +y.toFixed(7)])
const mps = (kmh: number) => kmh / 3.6
const { primary, residential, secondary } = DEFAULT_SPEEDS_KMH

describe('RoadRouter', () => {
  const incident = snap(5.2, 2.05)
  const units = { across: snap(5, 0.1), west: snap(0, 2), loop: snap(5, 3) }

  it('ranks by road where the straight line says otherwise: across the river is far by road', () => {
    const [across, west, loop] = router.legsTo(incident, [units.across, units.west, units.loop])
    const straight = (u: RoadPoint) => Math.hypot((u.lon - incident.lon) / 0.001 * mx, (u.lat - incident.lat) / 0.001 * my)
    expect(straight(units.loop)).toBeLessThan(straight(units.across))
    expect(straight(units.across)).toBeLessThan(straight(units.west))
    expect(west!.seconds).toBeLessThan(loop!.seconds)
    expect(loop!.seconds).toBeLessThan(across!.seconds)

    // West: 5.2 units along the primary road, then 5.55 m off the road at the access speed.
    expect(west!.meters).toBeCloseTo(5.2 * mx + 0.05 * my, 0)
    expect(west!.seconds).toBeCloseTo((5.2 * mx) / mps(primary) + (0.05 * my) / 4, 1)
    // Across: off-road to the south road, east along it, over the bridge, back west on the primary road.
    const acrossM = 0.1 * my + 15 * mx + 2 * my + 14.8 * mx + 0.05 * my
    expect(across!.meters).toBeCloseTo(acrossM, -1)
    expect(across!.seconds).toBeCloseTo(
      (0.1 * my) / 4 + (15 * mx) / mps(residential) + (2 * my) / mps(secondary) + (14.8 * mx) / mps(primary) + (0.05 * my) / 4,
      0,
    )
    expect(across!.geometry[0]).toEqual(at(5, 0.1))
    expect(across!.geometry).toContainEqual(at(20, 0))
    expect(across!.geometry).toContainEqual(at(20, 2))
    expect(across!.geometry[across!.geometry.length - 1]).toEqual(at(5.2, 2.05))
  })

  it('keeps to one-way streets: the unit on the loop drives round it, the way back is short', () => {
    const [there] = router.legsTo(incident, [units.loop])
    expect(there!.geometry.slice(0, 3)).toEqual([at(5, 3), at(5, 4), at(0, 4)])
    expect(there!.meters).toBeCloseTo(1 * my + 5 * mx + 2 * my + 5.2 * mx + 0.05 * my, 0)
    const back = router.route(incident, units.loop)!
    expect(back.meters).toBeCloseTo(0.05 * my + 0.2 * mx + 1 * my, 0)
    expect(rounded(back.geometry)).toEqual([at(5.2, 2.05), at(5.2, 2), at(5, 2), at(5, 3)])
  })

  it('enters an edge part-way with the matching part of its cost, in allowed directions only', () => {
    // Same two-way edge, either way: 3 units of the primary road.
    const a = snap(1, 2)
    const b = snap(4, 2)
    expect(router.route(a, b)!.seconds).toBeCloseTo((3 * mx) / mps(primary), 6)
    expect(router.route(b, a)!.seconds).toBeCloseTo((3 * mx) / mps(primary), 6)
    // Same one-way edge: forward is direct, backward is the whole loop and more.
    const low = snap(5, 2.5)
    const high = snap(5, 3.5)
    // (2 decimals: the share of a bent edge is measured in local metres, its length on the sphere.)
    expect(router.route(low, high)!.seconds).toBeCloseTo(my / mps(residential), 1)
    expect(router.route(high, low)!.meters).toBeCloseTo(0.5 * my + 5 * mx + 2 * my + 5 * mx + 0.5 * my, 0)
    // Arriving on the one-way's top from the west means driving east first to its entry.
    const top = snap(2.5, 4.02)
    expect(router.route(snap(0, 2), top)!.meters).toBeCloseTo(5 * mx + 2 * my + 2.5 * mx + 0.02 * my, 0)
  })

  it('snaps perpendicularly onto the nearest road of the connected network', () => {
    const p = snap(7, 2.3)
    expect(p.road[0]).toBeCloseTo(at(7, 2)[0], 9)
    expect(p.road[1]).toBeCloseTo(at(7, 2)[1], 9)
    expect(p.offRoadM).toBeCloseTo(0.3 * my, 0)
    // The primary road's edge from x = 5 to x = 20: 2 of 15 units along.
    expect(p.fraction).toBeCloseTo(2 / 15, 6)
    // Next to the island: nothing of the connected network within 300 m...
    expect(router.snap(...at(30.5, 0.1))).toBeNull()
    // ...and with a longer reach, the end of the south road rather than the island.
    const far = roadRouterFromRoadGraph(road, { maxSnapM: 2000 }).snap(...at(30.5, -0.5))!
    expect(far.road[0]).toBeCloseTo(at(20, 0)[0], 9)
    expect(far.road[1]).toBeCloseTo(at(20, 0)[1], 9)
  })

  it('answers null for origins that are missing, and one search serves many', () => {
    const legs = router.legsTo(incident, [null, units.west, units.west])
    expect(legs[0]).toBeNull()
    expect(legs[1]).toEqual(legs[2])
    expect(legs[1]).toEqual(router.route(units.west, incident))
  })

  it('takes travel speeds per road class', () => {
    const fast = roadRouterFromRoadGraph(road, { speedsKmh: { primary: 2 * primary } })
    const slow = router.route(units.west, incident)!
    const quick = fast.route(fast.snap(...at(0, 2))!, fast.snap(...at(5.2, 2.05))!)!
    const access = incident.offRoadM / 4
    expect(quick.seconds - access).toBeCloseTo((slow.seconds - access) / 2, 6)
    expect(quick.meters).toBeCloseTo(slow.meters, 9)
  })
})
