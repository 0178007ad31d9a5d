import { describe, expect, it } from 'vitest'
import { formatOfFile, formatProblem, kindOfFile } from './import-kind.ts'

describe('import kinds and formats', () => {
  it('takes the kind from the base name', () => {
    expect(kindOfFile('data/grids.geojson')).toBe('grids')
    expect(kindOfFile('C:\\city\\city-roads.geojson')).toBe('roads')
    expect(kindOfFile('Cameras.CSV')).toBe('cameras')
    expect(kindOfFile('units-2026.json')).toBe('units')
  })

  it('refuses to guess when the name says nothing or too much', () => {
    expect(kindOfFile('city.geojson')).toBeNull()
    expect(kindOfFile('grids-and-roads.geojson')).toBeNull()
    expect(kindOfFile('roads/cameras.csv')).toBe('cameras')
  })

  it('knows the formats each kind can come in', () => {
    expect(formatOfFile('a.geojson')).toBe('geojson')
    expect(formatOfFile('a.json')).toBe('geojson')
    expect(formatOfFile('a.csv')).toBe('csv')
    expect(formatOfFile('a.shp')).toBeNull()
    expect(formatProblem('cameras.csv', 'cameras')).toBeNull()
    expect(formatProblem('grids.csv', 'grids')).toBe('grids are read from .geojson files')
    expect(formatProblem('units.xlsx', 'units')).toBe('units are read from .geojson or .csv files')
  })
})
