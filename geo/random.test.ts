import { describe, expect, it } from 'vitest'
import { createRng, normal, sfc32, shuffle, weightedSampler } from './random.ts'

const draw = (rng: () => number, n: number): number[] => Array.from({ length: n }, rng)

describe('createRng', () => {
  it('replays the same stream for the same seed and label', () => {
    expect(draw(createRng(42), 100)).toEqual(draw(createRng(42), 100))
    expect(draw(createRng('city', 'units'), 100)).toEqual(draw(createRng('city', 'units'), 100))
  })

  it('gives unrelated streams for neighbouring seeds and for different labels', () => {
    const a = draw(createRng(1), 100)
    expect(draw(createRng(2), 100)).not.toEqual(a)
    expect(draw(createRng(1, 'other'), 100)).not.toEqual(a)
    // The numeric seed 1 and the string '1' are the same seed.
    expect(draw(createRng('1'), 100)).toEqual(a)
  })

  it('stays in [0, 1) with a flat distribution', () => {
    const rng = createRng(7)
    const bins = new Array(10).fill(0)
    let outside = 0
    for (let i = 0; i < 100_000; i++) {
      const x = rng()
      if (x < 0 || x >= 1) outside++
      else bins[Math.floor(x * 10)]++
    }
    expect(outside).toBe(0)
    for (const b of bins) expect(b).toBeGreaterThan(9_500)
    for (const b of bins) expect(b).toBeLessThan(10_500)
  })
})

describe('sfc32', () => {
  it('follows the algorithm (tmp = a + b + counter++; a = b ^ b >> 9; b = c + (c << 3); c = rotl(c, 21) + tmp)', () => {
    // Worked by hand from state (0, 0, 0, 1): 1, then 0 + 0 + 2, then 0 + 9 + 3.
    const out = draw(sfc32(0, 0, 0, 1), 3).map((x) => x * 4294967296)
    expect(out).toEqual([1, 2, 12])
  })
})

describe('helpers', () => {
  it('normal has mean 0 and standard deviation 1', () => {
    const rng = createRng(5)
    const xs = draw(() => normal(rng), 50_000)
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length)
    expect(Math.abs(mean)).toBeLessThan(0.02)
    expect(Math.abs(sd - 1)).toBeLessThan(0.02)
  })

  it('shuffle is a permutation', () => {
    const items = Array.from({ length: 50 }, (_, i) => i)
    const shuffled = shuffle(createRng(9), items.slice())
    expect(shuffled).not.toEqual(items)
    expect(shuffled.slice().sort((a, b) => a - b)).toEqual(items)
  })
})

describe('weightedSampler', () => {
  it('draws in proportion to the weights and never draws a zero weight', () => {
    const sample = weightedSampler([0, 1, 0, 3, 0])
    const rng = createRng(11)
    const counts = new Array(5).fill(0)
    for (let i = 0; i < 40_000; i++) counts[sample(rng)]++
    expect(counts[0] + counts[2] + counts[4]).toBe(0)
    expect(counts[3] / counts[1]).toBeGreaterThan(2.8)
    expect(counts[3] / counts[1]).toBeLessThan(3.2)
  })

  it('rejects weights it cannot draw from', () => {
    expect(() => weightedSampler([0, 0])).toThrow(/all be zero/)
    expect(() => weightedSampler([1, -1])).toThrow(/weight 1 is -1/)
    expect(() => weightedSampler([1, Number.NaN])).toThrow(/weight 1 is NaN/)
    expect(() => weightedSampler([])).toThrow(/all be zero/)
  })
})
