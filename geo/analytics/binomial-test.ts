/**
 * Exact two-sided binomial test of k successes in n trials with success probability π, by the "minimum
 * likelihood" rule R's binom.test uses: the p-value sums P(X = j) over every j no more likely than k (with a
 * relative slack of 1e-7 for floating-point ties).
 */
export function binomialTwoSidedP(k: number, n: number, pi: number): number {
  if (n === 0) return 1
  if (pi <= 0) return k === 0 ? 1 : 0
  if (pi >= 1) return k === n ? 1 : 0
  const logPmf = (j: number) => logChoose(n, j) + j * Math.log(pi) + (n - j) * Math.log1p(-pi)
  const limit = logPmf(k) + Math.log1p(1e-7)
  let p = 0
  for (let j = 0; j <= n; j++) {
    const l = logPmf(j)
    if (l <= limit) p += Math.exp(l)
  }
  return Math.min(1, p)
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1)
}

// Lanczos approximation (g = 7, 9 coefficients), ~15 significant digits for x ≥ 0.5.
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
]
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x)
  x -= 1
  let a = LANCZOS[0]
  const t = x + 7.5
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (x + i)
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a)
}
