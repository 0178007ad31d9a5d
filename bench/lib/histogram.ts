/**
 * Latency histogram: 0.1 ms buckets up to 1 s, 1 ms buckets up to 120 s, then one overflow bucket (the maximum
 * is kept exactly). Cheap enough to count every move every client receives, and mergeable across processes.
 */
const FINE_MS = 0.1
const FINE = 10_000
const COARSE_MS = 1
export const BUCKETS = FINE + 119_000

const bucketOf = (v: number) => (v < FINE * FINE_MS ? Math.floor(v / FINE_MS) : FINE + Math.floor((v - FINE * FINE_MS) / COARSE_MS))
/** The upper edge of a bucket, ms. */
const edgeOf = (b: number) => (b < FINE ? (b + 1) * FINE_MS : FINE * FINE_MS + (b - FINE + 1) * COARSE_MS)

export interface Histogram {
  counts: Uint32Array
  overflow: number
  max: number
  min: number
  n: number
  sum: number
}

export function newHistogram(): Histogram {
  return { counts: new Uint32Array(BUCKETS), overflow: 0, max: -Infinity, min: Infinity, n: 0, sum: 0 }
}

export function record(h: Histogram, valueMs: number, times = 1): void {
  // A receive a hair before the send stamp (clock granularity across processes) counts as zero.
  const v = valueMs < 0 ? 0 : valueMs
  const b = bucketOf(v)
  if (b < BUCKETS) h.counts[b] += times
  else h.overflow += times
  if (v > h.max) h.max = v
  if (v < h.min) h.min = v
  h.n += times
  h.sum += v * times
}

export function merge(into: Histogram, from: Histogram): void {
  for (let i = 0; i < BUCKETS; i++) into.counts[i] += from.counts[i]
  into.overflow += from.overflow
  into.max = Math.max(into.max, from.max)
  into.min = Math.min(into.min, from.min)
  into.n += from.n
  into.sum += from.sum
}

/** The value at quantile q (0..1): the upper edge of its bucket. */
export function quantile(h: Histogram, q: number): number {
  if (h.n === 0) return NaN
  const rank = Math.ceil(q * h.n)
  let seen = 0
  for (let i = 0; i < BUCKETS; i++) {
    seen += h.counts[i]
    if (seen >= rank) return Math.min(edgeOf(i), h.max)
  }
  return h.max
}

export const mean = (h: Histogram) => (h.n ? h.sum / h.n : NaN)
