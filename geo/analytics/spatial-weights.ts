/**
 * Binary spatial weights over cells 0..n-1: `neighbours[i]` lists every j ≠ i with w_ij = 1 (symmetric). The cell
 * itself is not listed; Gi* adds w_ii = 1 on its own, which is what makes it the "star" statistic.
 */
export interface SpatialWeights {
  neighbours: number[][]
}
