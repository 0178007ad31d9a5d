import { describe, expect, it } from 'vitest'
import { geometryProblem, parseFeatureCollection } from './geojson-source.ts'

const square = [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]

describe('parseFeatureCollection', () => {
  it('indexes features and treats missing properties as none', () => {
    const { features, issues } = parseFeatureCollection(
      JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: null, properties: null }] }),
    )
    expect(issues).toEqual([])
    expect(features).toEqual([{ index: 0, geometry: null, properties: {} }])
  })

  it('reads a file that starts with a byte-order mark', () => {
    expect(parseFeatureCollection('\uFEFF{"type": "FeatureCollection", "features": []}').issues).toEqual([])
  })

  it('says where the JSON breaks, by line and column', () => {
    const { issues } = parseFeatureCollection('{"type": "FeatureCollection",\n "features": [1 2]}')
    expect(issues[0].message).toMatch(/^not valid JSON: .* at line 2, column 17$/)
  })

  it('rejects what is not a FeatureCollection of Features', () => {
    expect(parseFeatureCollection('{"type": "Feature"}').issues[0].message).toBe('expected a GeoJSON FeatureCollection')
    const { features, issues } = parseFeatureCollection('{"type": "FeatureCollection", "features": [{"type": "Point"}, {"type": "Feature", "properties": 3}]}')
    expect(features).toEqual([])
    expect(issues.map((i) => [i.feature, i.message])).toEqual([
      [0, 'not a GeoJSON Feature'],
      [1, 'properties must be an object'],
    ])
  })

  it('rejects a file in a projected CRS', () => {
    const text = JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::3857' } }, features: [] })
    expect(parseFeatureCollection(text).issues[0].message).toContain('EPSG::3857')
  })
})

describe('geometryProblem', () => {
  it('accepts well-formed geometries of the allowed types', () => {
    expect(geometryProblem({ type: 'Polygon', coordinates: square }, ['Polygon'])).toBeNull()
    expect(geometryProblem({ type: 'MultiLineString', coordinates: [[[0, 0, 5], [1, 1, 5]]] }, ['MultiLineString'])).toBeNull()
  })

  it('names what is wrong', () => {
    expect(geometryProblem(null, ['Point'])).toBe('no geometry')
    expect(geometryProblem({ type: 'Point', coordinates: [0, 0] }, ['Polygon', 'MultiPolygon'])).toBe(
      'geometry is Point, expected Polygon or MultiPolygon',
    )
    expect(geometryProblem({ type: 'Point', coordinates: ['a', 0] }, ['Point'])).toBe('["a",0] is not a position [longitude, latitude]')
    expect(geometryProblem({ type: 'Point', coordinates: [0, 95] }, ['Point'])).toContain('position [0, 95] is outside')
    expect(geometryProblem({ type: 'LineString', coordinates: [[0, 0]] }, ['LineString'])).toBe('a line needs at least 2 positions')
    expect(geometryProblem({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 1]]] }, ['Polygon'])).toContain('not closed')
    expect(geometryProblem({ type: 'MultiPolygon', coordinates: [square, []] }, ['MultiPolygon'])).toBe(
      'polygon 1: expected a list of at least one ring',
    )
  })
})
