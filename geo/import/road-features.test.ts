import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseFeatureCollection } from './geojson-source.ts'
import { checkRoadFeatures } from './road-features.ts'

const junctions = readFileSync(new URL('../road-graph/fixtures/junctions.geojson', import.meta.url), 'utf8')

const road = (properties: Record<string, unknown>, coordinates: unknown, type = 'LineString') => ({
  type: 'Feature',
  properties,
  geometry: { type, coordinates },
})
const check = (...features: unknown[]) =>
  checkRoadFeatures(parseFeatureCollection(JSON.stringify({ type: 'FeatureCollection', features })).features)

describe('checkRoadFeatures', () => {
  it('keeps the drivable ways and counts the others by highway value', () => {
    const { features } = parseFeatureCollection(junctions)
    const { roads, skipped, issues } = checkRoadFeatures(features)
    expect(issues).toEqual([])
    expect(skipped.get('footway')).toBe(1)
    expect(roads.length + [...skipped.values()].reduce((a, b) => a + b, 0)).toBe(features.length)
  })

  it('reads tags the way exporters write them', () => {
    const { roads, skipped } = check(
      road({ '@id': 'way/42', highway: 'primary', oneway: true, maxspeed: 50, name: 'Av. 18 de Julio' }, [[0, 0], [0.001, 0]]),
      road({ name: 'no highway tag' }, [[0, 0], [0.001, 0]]),
    )
    expect(roads[0].properties).toEqual({ '@id': 42, highway: 'primary', oneway: 'true', maxspeed: '50', name: 'Av. 18 de Julio' })
    expect(skipped.get('(none)')).toBe(1)
  })

  it('rejects drivable ways with bad geometry, by index and reason', () => {
    const { roads, issues } = check(
      road({ highway: 'residential' }, [[0, 0]]),
      road({ highway: 'residential' }, [[0, 0], [0, 0]]),
      road({ highway: 'residential' }, [[0, 0], [1, 1], [0, 1], [0, 0]], 'Polygon'),
      road({ highway: 'footway' }, [[0, 0]]),
    )
    expect(roads).toEqual([])
    expect(issues.map((i) => [i.feature, i.message])).toEqual([
      [0, 'a line needs at least 2 positions'],
      [1, 'a line has no length (all its positions are the same)'],
      [2, 'geometry is Polygon, expected LineString or MultiLineString'],
    ])
  })
})
