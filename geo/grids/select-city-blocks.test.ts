import { describe, expect, it } from 'vitest'
import { at, centre, lattice } from './fixtures/lattice.ts'
import { locateInBlocks } from './locate-in-blocks.ts'
import { nodeLines } from './node-lines.ts'
import { polygonizeBlocks } from './polygonize-blocks.ts'
import { selectCityBlocks } from './select-city-blocks.ts'

describe('selectCityBlocks', () => {
  // A 6 x 6 frame whose southern half has no streets (the sea), with a pier loop out in the water.
  const { frame } = lattice(6)
  const lines = [
    ...[1, 2, 3, 4, 5].map((i) => [at(i, 3), at(i, 6)]),
    ...[3, 4, 5].map((j) => [at(0, j), at(6, j)]),
    [at(2, 1), at(3, 1), at(3, 1.5), at(2, 1.5), at(2, 1)],
  ]
  const p = polygonizeBlocks(nodeLines(lines, frame))
  const [sea, pier, town] = locateInBlocks(p, [centre(0, 0), at(2.5, 1.2), centre(2, 4)])
  const households = new Int32Array(p.blocks.length).fill(50)
  households[sea] = 1
  const opts = { openWaterMinKm2: 0.1, openWaterMaxHouseholdsPerKm2: 10 }

  it('leaves out a large, nearly empty block on the frame, and whatever it cuts off', () => {
    const selection = selectCityBlocks(p, households, frame, opts)
    expect(selection.openWater).toEqual([sea])
    expect(selection.detached).toEqual([pier])
    expect(selection.blocks).toHaveLength(18)
    expect(selection.blocks).toContain(town)
  })

  it('keeps a large block that people live in', () => {
    const lived = households.slice()
    lived[sea] = 500
    expect(selectCityBlocks(p, lived, frame, opts).openWater).toEqual([])
  })
})
