import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { buildGridIndex } from './grid-index.ts'

const fixture = JSON.parse(readFileSync(new URL('./fixtures/two-grids.geojson', import.meta.url), 'utf8'))

describe('buildGridIndex', () => {
  const index = buildGridIndex(fixture.features)

  it('finds the grid around a point', () => {
    expect(index.lookup(0.25, 0.25)).toBe('A')
    expect(index.lookup(3, 1)).toBe('B')
  })

  it('respects holes: the hole of A is the island of B', () => {
    expect(index.lookup(1, 1)).toBe('B')
  })

  it('gives the same answer whatever grid it is hinted at', () => {
    expect(index.lookup(0.25, 0.25, 'A')).toBe('A')
    expect(index.lookup(0.25, 0.25, 'B')).toBe('A')
    expect(index.lookup(1, 1, 'A')).toBe('B')
    expect(index.lookup(5, 5, 'A')).toBeNull()
    expect(index.lookup(3, 1, 'no-such-grid')).toBe('B')
  })

  it('answers null outside every grid', () => {
    expect(index.lookup(5, 5)).toBeNull()
    expect(index.lookup(-0.1, 1)).toBeNull()
  })

  it('snaps a point just outside to the nearest grid, within the snap distance only', () => {
    const snapping = buildGridIndex(fixture.features, { snapMetres: 20_000 })
    // 0.1° of longitude at the equator is about 11.1 km: inside the snap distance of A, not of B.
    expect(snapping.lookup(-0.1, 1)).toBe('A')
    expect(snapping.lookup(4.1, 1)).toBe('B')
    expect(snapping.lookup(5, 5)).toBeNull()
    // A point inside a grid is never moved to a nearer edge of another.
    expect(snapping.lookup(1.95, 1)).toBe('A')
  })

  it('works with no grids at all', () => {
    expect(buildGridIndex([]).lookup(0, 0)).toBeNull()
  })
})
