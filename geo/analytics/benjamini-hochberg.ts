/**
 * Benjamini–Hochberg (1995) step-up adjusted p-values, controlling the false discovery rate over all cells:
 * with p sorted ascending, p̃_(k) = min over m ≥ k of p_(m) · n / m, capped at 1. A cell is significant at FDR q
 * when p̃ ≤ q. (ArcGIS's "Apply False Discovery Rate correction" uses the same procedure.)
 */
export function benjaminiHochberg(p: ArrayLike<number>): Float64Array {
  const n = p.length
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a] - p[b])
  const adjusted = new Float64Array(n)
  let running = 1
  for (let rank = n; rank >= 1; rank--) {
    const i = order[rank - 1]
    running = Math.min(running, (p[i] * n) / rank)
    adjusted[i] = running
  }
  return adjusted
}
