import { describe, expect, it } from 'vitest'
import { at, centre, lattice, STEP } from './fixtures/lattice.ts'
import { locateInBlocks } from './locate-in-blocks.ts'
import { metresPerDegree } from './metres-per-degree.ts'
import { nodeLines } from './node-lines.ts'
import { polygonizeBlocks } from './polygonize-blocks.ts'

const m = metresPerDegree(-34.9)
const blockM2 = STEP * m.lon * STEP * m.lat

describe('polygonizeBlocks', () => {
  it('makes one block per street-bounded cell, with exact neighbours and shared lengths', () => {
    const { frame, lines } = lattice(3)
    const p = polygonizeBlocks(nodeLines(lines, frame))
    expect(p.blocks).toHaveLength(9)
    for (const b of p.blocks) expect(b.areaM2).toBeCloseTo(blockM2, -1)
    const [middle, corner] = locateInBlocks(p, [centre(1, 1), centre(0, 0)])
    expect(p.blocks[middle].neighbours.size).toBe(4)
    expect(p.blocks[corner].neighbours.size).toBe(2)
    const shared = [...p.blocks[middle].neighbours.values()].sort((a, b) => a - b)
    expect(shared[0]).toBeCloseTo(STEP * m.lon, 0)
    expect(shared[3]).toBeCloseTo(STEP * m.lat, 0)
  })

  it('ignores dead ends and bridges, which bound nothing', () => {
    const { frame, lines } = lattice(3)
    const deadEnd = [centre(0, 0), at(1, 0.5)]
    // Two small loops inside block (2, 2), joined by a footpath.
    const loopA = [at(2.1, 2.1), at(2.3, 2.1), at(2.3, 2.3), at(2.1, 2.3), at(2.1, 2.1)]
    const loopB = [at(2.6, 2.6), at(2.8, 2.6), at(2.8, 2.8), at(2.6, 2.8), at(2.6, 2.6)]
    const bridge = [at(2.3, 2.3), at(2.6, 2.6)]
    const p = polygonizeBlocks(nodeLines([...lines, deadEnd, loopA, loopB, bridge], frame))
    expect(p.blocks).toHaveLength(11)
    const total = p.blocks.reduce((s, b) => s + b.areaM2, 0)
    expect(total).toBeCloseTo(9 * blockM2, -1)
    const [outer, inA] = locateInBlocks(p, [at(2.5, 2.9), at(2.2, 2.2)])
    expect(p.blocks[outer].ringStarts).toHaveLength(3)
    expect(p.blocks[outer].neighbours.has(inA)).toBe(true)
    expect(p.blocks[outer].areaM2).toBeCloseTo(blockM2 * (1 - 2 * 0.04), -1)
  })

  it('is deterministic', () => {
    const { frame, lines } = lattice(4)
    const a = polygonizeBlocks(nodeLines(lines, frame))
    const b = polygonizeBlocks(nodeLines(lines, frame))
    expect(b.blocks).toEqual(a.blocks)
  })
})
