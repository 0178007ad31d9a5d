import type { SpatialWeights } from './spatial-weights.ts'

/**
 * Getis-Ord Gi* z-scores (Getis & Ord 1992; Ord & Getis 1995), as ArcGIS "Hot Spot Analysis" and PySAL
 * `esda.G_Local(star=True)` with binary weights compute them. With w_ii = 1 (the star) and w_ij = 1 for each
 * neighbour:
 *
 *   z_i = (Σ_j w_ij x_j − x̄ W_i) / (S √((n S1_i − W_i²) / (n − 1)))
 *   x̄ = Σ x_j / n,  S = √(Σ x_j² / n − x̄²),  W_i = Σ_j w_ij,  S1_i = Σ_j w_ij²  (binary: W_i = S1_i = k_i + 1)
 *
 * The z-score is already the standardised statistic: no permutation. Where the formula is 0/0 (all values
 * equal, or a cell whose neighbourhood is the whole study area) there is no evidence either way: z = 0.
 */
export function giStar(values: ArrayLike<number>, weights: SpatialWeights): Float64Array {
  const n = values.length
  if (weights.neighbours.length !== n) throw new Error(`weights cover ${weights.neighbours.length} cells, values ${n}`)
  let sum = 0, sum2 = 0
  for (let i = 0; i < n; i++) {
    sum += values[i]
    sum2 += values[i] * values[i]
  }
  const mean = sum / n
  const s = Math.sqrt(Math.max(sum2 / n - mean * mean, 0))
  const z = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const nb = weights.neighbours[i]
    let local = values[i]
    for (const j of nb) local += values[j]
    const w = nb.length + 1
    const spread = (n * w - w * w) / (n - 1)
    const den = s * Math.sqrt(spread)
    z[i] = den > 0 ? (local - mean * w) / den : 0
  }
  return z
}
