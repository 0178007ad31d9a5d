import { distance } from '@turf/turf'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildRoadGraph, type RoadGraph } from '../../geo/road-graph/build-road-graph.ts'
import { loadMontevideo, MONTEVIDEO_BBOX, type CityLayers } from '../osm/city-layers.ts'
import { CAMERA_OWNERS, CAMERA_PLACEMENTS, CAMERA_STATUSES, generateCameras } from './cameras.ts'

let city: CityLayers
let graph: RoadGraph

beforeAll(async () => {
  city = await loadMontevideo()
  graph = buildRoadGraph(city.roads.features)
})

describe('generateCameras', () => {
  it('places 300 cameras by default, with gate_north first', () => {
    const cameras = generateCameras(city, graph, MONTEVIDEO_BBOX)
    expect(cameras).toHaveLength(300)
    expect(cameras[0]).toMatchObject({ id: 'cam-0001', frigateName: 'gate_north', placement: 'entrance' })
  })

  it('honours the count and keeps gate_north even when the count is tiny', () => {
    expect(generateCameras(city, graph, MONTEVIDEO_BBOX, { count: 120 })).toHaveLength(120)
    expect(generateCameras(city, graph, MONTEVIDEO_BBOX, { count: 1 }).map((c) => c.frigateName)).toEqual(['gate_north'])
    expect(() => generateCameras(city, graph, MONTEVIDEO_BBOX, { count: 0 })).toThrow(/camera count/)
  })

  it('gives the busiest online cameras a local live stream and the rest none', () => {
    const cameras = generateCameras(city, graph, MONTEVIDEO_BBOX)
    const streamed = cameras.filter((c) => c.streamUrl !== null)
    expect(streamed.map((c) => [c.streamUrl, c.streamKind, c.status, c.placement])).toEqual(
      streamed.map((c) => [`/video/${c.id}/index.m3u8`, 'hls', 'online', 'downtown']),
    )
    expect(streamed).toHaveLength(2)
    expect(cameras.every((c) => (c.streamUrl === null) === (c.streamKind === null))).toBe(true)
    expect(generateCameras(city, graph, MONTEVIDEO_BBOX, { streams: 0 }).some((c) => c.streamUrl)).toBe(false)
  })

  it('is deterministic for a seed', () => {
    const a = generateCameras(city, graph, MONTEVIDEO_BBOX, { seed: 5 })
    expect(generateCameras(city, graph, MONTEVIDEO_BBOX, { seed: 5 })).toEqual(a)
    expect(generateCameras(city, graph, MONTEVIDEO_BBOX, { seed: 6 })).not.toEqual(a)
  })

  it('gives unique ids and snake_case Frigate names, valid enums, optics and positions', () => {
    const cameras = generateCameras(city, graph, MONTEVIDEO_BBOX)
    expect(new Set(cameras.map((c) => c.id)).size).toBe(cameras.length)
    expect(new Set(cameras.map((c) => c.frigateName)).size).toBe(cameras.length)
    const [west, south, east, north] = MONTEVIDEO_BBOX
    for (const c of cameras) {
      expect(c.frigateName).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/)
      expect(c.nameZh).toMatch(/\p{Script=Han}/u)
      expect(c.nameEn).not.toBe('')
      expect(CAMERA_PLACEMENTS).toContain(c.placement)
      expect(CAMERA_OWNERS).toContain(c.owner)
      expect(CAMERA_STATUSES).toContain(c.status)
      expect(c.headingDeg >= 0 && c.headingDeg < 360).toBe(true)
      expect(c.fovDeg > 0 && c.fovDeg <= 120).toBe(true)
      expect(c.rangeM > 0 && c.rangeM <= 200).toBe(true)
      expect(c.lon >= west && c.lon <= east && c.lat >= south - 0.001 && c.lat <= north).toBe(true)
    }
  })

  it('covers every placement category, mostly online', () => {
    const cameras = generateCameras(city, graph, MONTEVIDEO_BBOX)
    for (const p of CAMERA_PLACEMENTS) expect(cameras.some((c) => c.placement === p), p).toBe(true)
    expect(cameras.filter((c) => c.status === 'online').length / cameras.length).toBeGreaterThan(0.85)
    expect(cameras.some((c) => c.status !== 'online')).toBe(true)
  })

  it('puts entrances where trunk roads leave the bbox, facing out at arriving traffic', () => {
    const entrances = generateCameras(city, graph, MONTEVIDEO_BBOX).filter((c) => c.placement === 'entrance')
    expect(entrances.length).toBeGreaterThanOrEqual(3)
    const [west, south, east, north] = MONTEVIDEO_BBOX
    for (const c of entrances) {
      const gapDeg = Math.min(c.lon - west, east - c.lon, c.lat - south, north - c.lat)
      expect(gapDeg).toBeLessThan(0.001)
    }
    const gateNorth = entrances.find((c) => c.frigateName === 'gate_north')!
    expect(north - gateNorth.lat).toBeLessThan(0.001)
    expect(gateNorth.headingDeg < 90 || gateNorth.headingDeg > 270).toBe(true)
  })

  it('watches the key places from a nearby corner, pointing at them', () => {
    const cameras = generateCameras(city, graph, MONTEVIDEO_BBOX)
    const pois = city.pois.features
    for (const c of cameras.filter((cam) => cam.placement === 'key_place' || cam.placement === 'public_place')) {
      const nearest = Math.min(...pois.map((p) => distance([c.lon, c.lat], p.geometry.coordinates, { units: 'meters' })))
      expect(nearest, c.frigateName).toBeLessThan(c.rangeM + 100)
    }
  })
})
