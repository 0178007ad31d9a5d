import { readFileSync } from 'node:fs'
import type { FeatureCollection, Polygon } from 'geojson'
import { expect, it } from 'vitest'
import { queenWeights } from './queen-weights.ts'

const tiles = JSON.parse(readFileSync(new URL('./fixtures/queen-tiles.geojson', import.meta.url), 'utf8')) as FeatureCollection<Polygon, { code: string }>

it('links polygons that share an edge without sharing a vertex, and those touching only at a corner', () => {
  const w = queenWeights(tiles.features.map((f) => f.geometry))
  const named = (i: number) => w.neighbours[i].map((j) => tiles.features[j].properties.code)
  expect(tiles.features.map((f, i) => [f.properties.code, named(i)])).toEqual([
    ['A', ['B']],
    ['B', ['A', 'D']],
    ['C', []],
    ['D', ['B']],
  ])
})

it('gives a 3 × 3 block of squares 3, 5 and 8 neighbours at corners, edges and the centre', () => {
  const squares = Array.from({ length: 9 }, (_, k) => {
    const [x, y] = [(k % 3) * 0.001 - 56.2, Math.floor(k / 3) * 0.001 - 34.9]
    return { type: 'Polygon' as const, coordinates: [[[x, y], [x + 0.001, y], [x + 0.001, y + 0.001], [x, y + 0.001], [x, y]]] }
  })
  expect(queenWeights(squares).neighbours.map((n) => n.length)).toEqual([3, 5, 3, 5, 8, 5, 3, 5, 3])
  expect(queenWeights(squares).neighbours[0]).toEqual([1, 3, 4])
})
