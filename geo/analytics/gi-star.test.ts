import { describe, expect, it } from 'vitest'
import { createRng } from '../random.ts'
import { giStar } from './gi-star.ts'
import type { SpatialWeights } from './spatial-weights.ts'

const chain = (n: number): SpatialWeights => ({
  neighbours: Array.from({ length: n }, (_, i) => [i - 1, i + 1].filter((j) => j >= 0 && j < n)),
})

describe('giStar', () => {
  it('matches a five-cell chain worked by hand', () => {
    // x = [10, 8, 2, 0, 0], neighbours along the chain, plus the cell itself.
    // n = 5, Σx = 20, x̄ = 4, Σx² = 100 + 64 + 4 = 168, S² = 168/5 − 4² = 33.6 − 16 = 17.6, S = 4.195235
    // Cells 1..3 have W = 3: √((5·3 − 9)/4) = √1.5; the ends have W = 2: √((5·2 − 4)/4) = √1.5 as well,
    // so every denominator is S·√1.5 = 5.138093.
    //   cell 0: Σwx = 10 + 8 = 18,      18 − 4·2 = 10  → z = 10 / 5.138093 =  1.946247
    //   cell 1: Σwx = 10 + 8 + 2 = 20,  20 − 4·3 = 8   → z =  1.556998
    //   cell 2: Σwx = 8 + 2 + 0 = 10,   10 − 12 = −2   → z = −0.389249
    //   cell 3: Σwx = 2 + 0 + 0 = 2,     2 − 12 = −10  → z = −1.946247
    //   cell 4: Σwx = 0 + 0 = 0,         0 − 8 = −8    → z = −1.556998
    const z = giStar([10, 8, 2, 0, 0], chain(5))
    const expected = [1.946247, 1.556998, -0.389249, -1.946247, -1.556998]
    expected.forEach((e, i) => expect(z[i]).toBeCloseTo(e, 5))
  })

  it('agrees with the Getis & Ord (1992) ratio form, computed independently, on random data and weights', () => {
    // G*_i = Σ_j w_ij x_j / Σ_j x_j, E[G*_i] = W_i / n,
    // Var[G*_i] = W_i (n − W_i) / (n² (n − 1)) · Y2 / Y1², Y1 = Σx / n, Y2 = Σx² / n − Y1²  (binary weights, j = i included).
    const rng = createRng('gi-star-reference')
    for (let trial = 0; trial < 5; trial++) {
      const n = 30 + Math.floor(rng() * 40)
      const x = Array.from({ length: n }, () => Math.floor(rng() * 20))
      const w = Array.from({ length: n }, () => new Array<number>(n).fill(0))
      for (let i = 0; i < n; i++) {
        w[i][i] = 1
        for (let j = i + 1; j < n; j++) if (rng() < 0.15) w[i][j] = w[j][i] = 1
      }
      const weights = { neighbours: w.map((row, i) => row.flatMap((v, j) => (v && j !== i ? [j] : []))) }
      const sum = x.reduce((a, b) => a + b, 0)
      const y1 = sum / n
      const y2 = x.reduce((a, b) => a + b * b, 0) / n - y1 * y1
      const z = giStar(x, weights)
      for (let i = 0; i < n; i++) {
        const wi = w[i].reduce((a, b) => a + b, 0)
        const g = w[i].reduce((a, wij, j) => a + wij * x[j], 0) / sum
        const variance = ((wi * (n - wi)) / (n * n * (n - 1))) * (y2 / (y1 * y1))
        const expected = variance > 0 ? (g - wi / n) / Math.sqrt(variance) : 0
        expect(z[i]).toBeCloseTo(expected, 9)
      }
    }
  })

  it('answers 0 where the statistic is undefined: constant values, or a neighbourhood that is the whole area', () => {
    expect(Array.from(giStar([3, 3, 3], chain(3)))).toEqual([0, 0, 0])
    // The middle cell of a three-cell chain sees all three cells.
    expect(giStar([9, 1, 0], chain(3))[1]).toBe(0)
  })

  it('refuses weights for a different number of cells', () => {
    expect(() => giStar([1, 2], chain(3))).toThrow(/3 cells/)
  })
})
