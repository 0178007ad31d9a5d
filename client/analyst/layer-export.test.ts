import { expect, it } from 'vitest'
import type { CellCollection } from './analysis.worker.ts'
import { cellsCsv, rasterCsv } from './layer-export.ts'

it('writes one CSV row per cell with every property any cell has, quoting what needs it', () => {
  const fc: CellCollection = {
    type: 'FeatureCollection',
    meta: {},
    features: [
      { type: 'Feature', id: 'a', geometry: null, properties: { cell: 'a', count: 3, name: 'x, "y"' } },
      { type: 'Feature', id: 'b', geometry: null, properties: { cell: 'b', count: 0, z: null } },
    ],
  }
  expect(cellsCsv(fc)).toEqual(['cell,count,name,z', 'a,3,"x, ""y""",', 'b,0,,'])
})

it('writes the non-empty cells of a density surface with their centres, rows from the north', () => {
  const lines = rasterCsv({
    west: 0, south: 0, east: 2, north: 1, cols: 2, rows: 1, cellM: 100, bandwidthM: 300, bandwidthRule: 'automatic',
    total: 5, max: 4, from: '', to: '', values: [0, 4],
  })
  expect(lines).toEqual(['row,col,lon,lat,perKm2', '0,1,1.500000,0.500000,4'])
})
