/**
 * Requests per key (a client address) in a sliding window: login attempts, so one address cannot try passwords
 * quickly across many accounts (the per-account lockout stops guessing one account), and public Open311 posts.
 * In memory: behind several processes each keeps its own count, which only makes the limit per process.
 */
export class SlidingWindowLimit {
  private readonly attempts = new Map<string, number[]>()

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts an attempt; the seconds to wait when over the limit, else 0. */
  take(key: string): number {
    const t = this.now()
    const recent = (this.attempts.get(key) ?? []).filter((at) => at > t - this.windowMs)
    if (recent.length >= this.max) {
      this.attempts.set(key, recent)
      return Math.max(1, Math.ceil((recent[0] + this.windowMs - t) / 1000))
    }
    recent.push(t)
    this.attempts.set(key, recent)
    if (this.attempts.size > 50_000) this.prune(t)
    return 0
  }

  private prune(t: number): void {
    for (const [k, v] of this.attempts) if (v.every((at) => at <= t - this.windowMs)) this.attempts.delete(k)
  }
}
