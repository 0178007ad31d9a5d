import { latLngToCell } from 'h3-js'
import { expect, it } from 'vitest'
import { countPerCell } from './count-per-cell.ts'

it('counts points per cell and leaves out points in no cell', () => {
  const pts = [-56.18, -34.9, -56.18, -34.9, -56.1, -34.85, 0, 0]
  const counts = countPerCell(pts, (lon, lat) => (lon === 0 ? null : latLngToCell(lat, lon, 8)))
  expect(counts).toEqual(new Map([[latLngToCell(-34.9, -56.18, 8), 2], [latLngToCell(-34.85, -56.1, 8), 1]]))
})
