import { gridDisk, latLngToCell } from 'h3-js'
import { expect, it } from 'vitest'
import { h3RingWeights } from './h3-ring-weights.ts'
import { h3Cover } from './h3-cover.ts'

it('links each cell to the ring-1 cells present in the study area only', () => {
  const centre = latLngToCell(-34.9, -56.18, 9)
  const disk = gridDisk(centre, 1).sort()
  const outside = gridDisk(centre, 3).find((c) => !gridDisk(centre, 2).includes(c))!
  const cells = [...disk, outside]
  const w = h3RingWeights(cells)
  expect(w.neighbours[cells.indexOf(centre)]).toHaveLength(6)
  // A ring cell touches the centre and its two ring neighbours.
  for (const c of disk.filter((c) => c !== centre)) expect(w.neighbours[cells.indexOf(c)]).toHaveLength(3)
  expect(w.neighbours[cells.length - 1]).toEqual([])
})

it('covers a polygon with the cells whose centres are inside it, once each', () => {
  const square = { type: 'Polygon' as const, coordinates: [[[-56.2, -34.91], [-56.17, -34.91], [-56.17, -34.88], [-56.2, -34.88], [-56.2, -34.91]]] }
  const halves = {
    type: 'MultiPolygon' as const,
    coordinates: [
      [[[-56.2, -34.91], [-56.185, -34.91], [-56.185, -34.88], [-56.2, -34.88], [-56.2, -34.91]]],
      [[[-56.185, -34.91], [-56.17, -34.91], [-56.17, -34.88], [-56.185, -34.88], [-56.185, -34.91]]],
    ],
  }
  const whole = h3Cover([square], 9)
  expect(whole.length).toBeGreaterThan(50)
  expect(h3Cover([halves], 9)).toEqual(whole)
  expect(whole).toContain(latLngToCell(-34.895, -56.185, 9))
})
