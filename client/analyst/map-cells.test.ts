import { expect, it } from 'vitest'
import type { CellCollection } from './analysis.worker.ts'
import { cellBounds, mapCells } from './map-cells.ts'

const square = (x: number, y: number) => ({ type: 'Polygon', coordinates: [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]] })
const fc: CellCollection = {
  type: 'FeatureCollection',
  meta: { total: 3 },
  features: [
    { type: 'Feature', id: 'a', geometry: square(0, 0), properties: { cell: 'a', count: 3, perKm2: 1.5, class: 'hot-99', z: 3.1 } },
    { type: 'Feature', id: 'b', geometry: { type: 'MultiPolygon', coordinates: [square(5, -2).coordinates] }, properties: { cell: 'b', count: 0, perKm2: 0 } },
  ],
}

it('gives the map each cell\'s outline, code and colouring properties only', () => {
  const m = mapCells(fc, ['class', 'perKm2'])
  expect(m.features.map((f) => f.properties)).toEqual([{ cell: 'a', class: 'hot-99', perKm2: 1.5 }, { cell: 'b', perKm2: 0 }])
  expect(m.features[1].geometry).toBe(fc.features[1].geometry)
})

it('bounds the cells of polygons and multipolygons', () => {
  expect(cellBounds(fc)).toEqual([0, -2, 6, 1])
  expect(cellBounds({ ...fc, features: [] })).toBeNull()
})
