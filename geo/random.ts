/**
 * Seeded pseudo-random numbers for reproducible demo data and simulations.
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128-bit state, passes PractRand, and is fast in
 * plain JS because it only needs 32-bit integer ops. Math.random is never used, so a seed replays a whole city.
 */

/** Returns a float in [0, 1). */
export type Rng = () => number

export function sfc32(a: number, b: number, c: number, d: number): Rng {
  return () => {
    a |= 0; b |= 0; c |= 0; d |= 0
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return (t >>> 0) / 4294967296
  }
}

/** Seeds from a number or a string; the label lets independent streams share one user-facing seed. */
export function createRng(seed: number | string, label = ''): Rng {
  // cyrb128 spreads any seed over the 128-bit state, so seeds 1 and 2 give unrelated streams.
  const str = `${seed}\u0000${label}`
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4; h2 ^= h1; h3 ^= h1; h4 ^= h1
  const rng = sfc32(h1, h2, h3, h4)
  // The first outputs of a fresh sfc32 state are still correlated with the seed.
  for (let i = 0; i < 12; i++) rng()
  return rng
}

/** Standard normal deviate (Box-Muller; the second deviate is dropped to keep the generator stateless). */
export function normal(rng: Rng): number {
  const u = 1 - rng()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng())
}

/** Fisher-Yates in place; returns the same array for chaining. */
export function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1))
    const t = items[i]; items[i] = items[j]; items[j] = t
  }
  return items
}

/**
 * Draws indices proportionally to fixed weights in O(log n) per draw.
 * Built once per table because the incident generator draws millions of times from a handful of tables.
 */
export function weightedSampler(weights: readonly number[]): (rng: Rng) => number {
  const cumulative = new Float64Array(weights.length)
  let total = 0
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i]
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weight ${i} is ${w}; weights must be finite and >= 0`)
    total += w
    cumulative[i] = total
  }
  if (!(total > 0)) throw new RangeError('weights must not all be zero')
  const last = weights.length - 1
  return (rng) => {
    const x = rng() * total
    let lo = 0, hi = last
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (cumulative[mid] > x) hi = mid
      else lo = mid + 1
    }
    return lo
  }
}
