import { area, booleanValid } from '@turf/turf'
import type { MultiPolygon } from 'geojson'
import { describe, expect, it } from 'vitest'
import { unionFaces } from './face-union.ts'
import { at, centre, lattice } from './fixtures/lattice.ts'
import { locateInBlocks } from './locate-in-blocks.ts'
import { nodeLines } from './node-lines.ts'
import { polygonizeBlocks } from './polygonize-blocks.ts'

const { frame, lines } = lattice(3)
const p = polygonizeBlocks(nodeLines(lines, frame))
const ids = (cells: [number, number][]) => [...locateInBlocks(p, cells.map(([i, j]) => centre(i, j)))]
const blockArea = (cells: [number, number][]) => ids(cells).reduce((s, b) => s + p.blocks[b].areaM2, 0)
const shape = (g: MultiPolygon) => g.coordinates.map((poly) => poly.length)
/** turf measures on a sphere, the blocks on the ellipsoid: they differ by ~0.01 %. */
const expectArea = (g: MultiPolygon, m2: number) => expect(Math.abs(area(g) / m2 - 1)).toBeLessThan(1e-3)

/**
 * turf checks each polygon well but wrongly rejects polygons of a MultiPolygon that touch at a point (OGC allows
 * it), and does not look for a ring touching itself (OGC forbids it); so: polygon by polygon, plus that.
 */
function expectValid(g: MultiPolygon) {
  for (const coordinates of g.coordinates) expect(booleanValid({ type: 'Polygon', coordinates })).toBe(true)
  for (const ring of g.coordinates.flat()) {
    const keys = ring.slice(0, -1).map((c) => c.join())
    expect(new Set(keys).size).toBe(keys.length)
  }
}

describe('unionFaces', () => {
  it('dissolves the shared street between neighbours', () => {
    const cells: [number, number][] = [[0, 0], [1, 0]]
    const u = unionFaces(p, ids(cells))
    expect(shape(u)).toEqual([1])
    expectArea(u, blockArea(cells))
    expectValid(u)
  })

  it('keeps blocks meeting only at a corner as two polygons', () => {
    const u = unionFaces(p, ids([[0, 0], [1, 1]]))
    expect(shape(u)).toEqual([1, 1])
    expectValid(u)
  })

  it('leaves a hole where a block is surrounded', () => {
    const ring: [number, number][] = [[0, 0], [1, 0], [2, 0], [0, 1], [2, 1], [0, 2], [1, 2], [2, 2]]
    const u = unionFaces(p, ids(ring))
    expect(shape(u)).toEqual([2])
    expectArea(u, blockArea(ring))
    expectValid(u)
  })

  it('cuts a boundary that touches itself into a shell and a hole meeting at a point', () => {
    // Everything but the centre and the north-west corner: the pocket at the centre touches the outside at the
    // corner where blocks (0, 1) and (1, 2) meet.
    const cells: [number, number][] = [[0, 0], [1, 0], [2, 0], [0, 1], [2, 1], [1, 2], [2, 2]]
    const u = unionFaces(p, ids(cells))
    expect(shape(u)).toEqual([2])
    expectArea(u, blockArea(cells))
    expectValid(u)
  })

  it('gives back the frame for all blocks, reusing the exact vertex coordinates', () => {
    const u = unionFaces(p, p.blocks.map((b) => b.id))
    expect(shape(u)).toEqual([1])
    const xs = new Set(u.coordinates[0][0].map((c) => c[0]))
    expect(xs).toEqual(new Set([frame.minLon, at(1, 0)[0], at(2, 0)[0], frame.maxLon].map((x) => Math.round(x * 1e7) / 1e7)))
  })

  it('puts a block with an island in it back together with the island', () => {
    const island = [at(1.3, 1.3), at(1.7, 1.3), at(1.7, 1.7), at(1.3, 1.7), at(1.3, 1.3)]
    const q = polygonizeBlocks(nodeLines([...lines, island], frame))
    const [outer, inner] = locateInBlocks(q, [at(1.1, 1.1), centre(1, 1)])
    expect(shape(unionFaces(q, [outer]))).toEqual([2])
    expect(shape(unionFaces(q, [outer, inner]))).toEqual([1])
    expectValid(unionFaces(q, [outer]))
  })
})
