/** A bounded least-recently-used map whose entries also expire. */
export class LruCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>()

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
  ) {}

  get(key: string, now = Date.now()): V | undefined {
    const e = this.entries.get(key)
    if (!e) return undefined
    this.entries.delete(key)
    if (e.expires <= now) return undefined
    this.entries.set(key, e)
    return e.value
  }

  set(key: string, value: V, now = Date.now()): void {
    this.entries.delete(key)
    this.entries.set(key, { value, expires: now + this.ttlMs })
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!)
  }

  get size(): number {
    return this.entries.size
  }
}
