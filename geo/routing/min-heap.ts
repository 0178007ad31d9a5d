/**
 * A binary min-heap of integer items keyed by float priorities, on growable typed arrays so a search allocates
 * nothing per push. No decrease-key: callers push an item again with its better key and skip stale pops, which
 * is faster than an indexed heap on road graphs (few improvements per node).
 */
export class MinHeap {
  private items: Int32Array
  private keys: Float64Array
  private n = 0

  constructor(capacity = 64) {
    this.items = new Int32Array(Math.max(1, capacity))
    this.keys = new Float64Array(Math.max(1, capacity))
  }

  get size(): number {
    return this.n
  }

  clear(): void {
    this.n = 0
  }

  push(item: number, key: number): void {
    if (this.n === this.items.length) this.grow()
    const items = this.items
    const keys = this.keys
    let i = this.n++
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (keys[parent] <= key) break
      items[i] = items[parent]
      keys[i] = keys[parent]
      i = parent
    }
    items[i] = item
    keys[i] = key
  }

  /** The smallest key; Infinity when empty. */
  peekKey(): number {
    return this.n > 0 ? this.keys[0] : Infinity
  }

  /** The item with the smallest key; -1 when empty. Ties come out in no particular order. */
  peek(): number {
    return this.n > 0 ? this.items[0] : -1
  }

  /** Removes and returns the item with the smallest key; -1 when empty. */
  pop(): number {
    if (this.n === 0) return -1
    const items = this.items
    const keys = this.keys
    const top = items[0]
    const last = --this.n
    if (last > 0) {
      const item = items[last]
      const key = keys[last]
      let i = 0
      for (;;) {
        const left = 2 * i + 1
        if (left >= last) break
        const right = left + 1
        const child = right < last && keys[right] < keys[left] ? right : left
        if (keys[child] >= key) break
        items[i] = items[child]
        keys[i] = keys[child]
        i = child
      }
      items[i] = item
      keys[i] = key
    }
    return top
  }

  private grow(): void {
    const items = new Int32Array(this.items.length * 2)
    const keys = new Float64Array(this.keys.length * 2)
    items.set(this.items)
    keys.set(this.keys)
    this.items = items
    this.keys = keys
  }
}
