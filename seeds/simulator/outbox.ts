import type { Logger } from '../../server/logger.ts'

/**
 * Delivery with the manners of a phone app: each device sends its own messages one at a time, oldest first,
 * keeps a small buffer when it cannot send (the oldest is dropped when it is full), and when the server is
 * away or busy everyone backs off together instead of hammering it. A Gate is the shared state of one
 * destination (the HTTP server, the MQTT broker): closed for a Retry-After or an exponential back-off after a
 * connection error, then half-open (one probe) until a request gets through.
 */

export type Outcome =
  | { kind: 'ok' }
  /** Keep the message and try again after the gate reopens; `afterMs` from a Retry-After, else back-off. */
  | { kind: 'retry'; reason: string; afterMs?: number }
  /**
   * Give up on it: the destination refused it for good (bad request, unknown route), or it may have arrived
   * and must not be sent twice (`unreachable`: a network failure, which still backs everyone off).
   * Logged once per reason.
   */
  | { kind: 'drop'; reason: string; detail?: string; unreachable?: boolean }

const MIN_BACKOFF_MS = 1000
const MAX_BACKOFF_MS = 30_000

export class Gate {
  private state: 'open' | 'closed' | 'probing' = 'open'
  private until = 0
  private failures = 0
  private timer: NodeJS.Timeout | null = null
  private readonly waiters = new Set<() => void>()
  private downSince = 0

  constructor(
    readonly name: string,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  get isOpen(): boolean {
    return this.state === 'open'
  }

  /** Whether a request may go now; in the half-open state only the first caller (the probe) gets through. */
  tryAcquire(): boolean {
    if (this.state === 'open') return true
    if (this.state === 'probing') return false
    if (this.now() < this.until) return false
    this.state = 'probing'
    return true
  }

  succeeded(): void {
    if (this.state === 'open') {
      this.failures = 0
      return
    }
    this.log.info({ destination: this.name, downS: Math.round((this.now() - this.downSince) / 1000) }, 'simulator: destination reachable again')
    this.state = 'open'
    this.failures = 0
    this.wake()
  }

  /** A failed attempt; only the first failure of an outage (or a failed probe) moves the back-off on. */
  failed(reason: string, afterMs?: number): void {
    if (this.state === 'closed') return
    if (this.state === 'open') {
      this.downSince = this.now()
      this.log.warn({ destination: this.name, reason }, 'simulator: destination unavailable; devices keep their fixes and retry')
    }
    this.failures++
    const backoff = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** (this.failures - 1))
    // Spread the return so that thousands of devices do not come back in the same millisecond.
    const delay = (afterMs ?? backoff) * (1 + 0.2 * this.random())
    this.state = 'closed'
    this.until = this.now() + delay
    this.log.debug({ destination: this.name, reason, retryInMs: Math.round(delay) }, 'simulator: backing off')
    if (this.timer) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      // Timers may fire a millisecond early by the wall clock: the pause is over when the timer says so.
      this.until = 0
      this.wake()
    }, delay)
    this.timer.unref?.()
  }

  /** Calls `fn` whenever sending may be possible again. */
  onReopen(fn: () => void): () => void {
    this.waiters.add(fn)
    return () => this.waiters.delete(fn)
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.waiters.clear()
  }

  private wake(): void {
    for (const fn of [...this.waiters]) fn()
  }
}

export interface OutboxStats {
  sent: number
  dropped: number
  /** Dropped because a device's buffer was full. */
  overflowed: number
  retried: number
  buffered: number
  inFlight: number
}

export interface OutboxOptions<T> {
  name: string
  gate: Gate
  deliver: (item: T) => Promise<Outcome>
  log: Logger
  /** Requests in flight over all devices. */
  maxInFlight?: number
  /** Messages a device keeps while it cannot send. */
  bufferPerKey?: number
}

export class Outbox<T> {
  private readonly queues: (T[] | undefined)[] = []
  private readonly inFlightKey: Uint8Array[] = [new Uint8Array(1024)]
  private ready: number[] = []
  private readyHead = 0
  private readonly isReady = new Set<number>()
  private inFlight = 0
  private closed = false
  private readonly logged = new Set<string>()
  private readonly idleWaiters: (() => void)[] = []
  private readonly unsubscribe: () => void
  private readonly maxInFlight: number
  private readonly bufferPerKey: number
  readonly stats: OutboxStats = { sent: 0, dropped: 0, overflowed: 0, retried: 0, buffered: 0, inFlight: 0 }

  constructor(private readonly options: OutboxOptions<T>) {
    this.maxInFlight = options.maxInFlight ?? 256
    this.bufferPerKey = options.bufferPerKey ?? 24
    this.unsubscribe = options.gate.onReopen(() => this.pump())
  }

  /** Queues a message of device `key` (a small non-negative integer) and sends what can be sent. */
  enqueue(key: number, item: T): void {
    if (this.closed) return
    const q = (this.queues[key] ??= [])
    if (q.length >= this.bufferPerKey) {
      q.shift()
      this.stats.overflowed++
      this.stats.buffered--
    }
    q.push(item)
    this.stats.buffered++
    if (!this.flying(key)) this.markReady(key)
    this.pump()
  }

  /** Stop taking messages; resolves when nothing is in flight (or after `timeoutMs`). */
  async close(timeoutMs = 5000): Promise<void> {
    this.closed = true
    this.unsubscribe()
    if (this.inFlight === 0) return
    await Promise.race([
      new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
      new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref?.()),
    ])
  }

  private flying(key: number): boolean {
    const chunk = this.inFlightKey[key >> 10]
    return chunk !== undefined && chunk[key & 1023] === 1
  }

  private setFlying(key: number, on: boolean): void {
    const c = key >> 10
    while (this.inFlightKey.length <= c) this.inFlightKey.push(new Uint8Array(1024))
    this.inFlightKey[c][key & 1023] = on ? 1 : 0
  }

  private markReady(key: number): void {
    if (this.isReady.has(key)) return
    this.isReady.add(key)
    this.ready.push(key)
  }

  private pump(): void {
    while (!this.closed && this.inFlight < this.maxInFlight && this.readyHead < this.ready.length) {
      const key = this.ready[this.readyHead]
      const q = this.queues[key]
      if (q && q.length > 0 && !this.options.gate.tryAcquire()) break
      this.readyHead++
      this.isReady.delete(key)
      if (!q || q.length === 0) continue
      this.send(key, q[0])
    }
    if (this.readyHead > 4096 && this.readyHead * 2 > this.ready.length) {
      this.ready = this.ready.slice(this.readyHead)
      this.readyHead = 0
    }
    this.stats.inFlight = this.inFlight
  }

  private send(key: number, item: T): void {
    this.setFlying(key, true)
    this.inFlight++
    let outcome: Promise<Outcome>
    try {
      outcome = this.options.deliver(item)
    } catch (err) {
      outcome = Promise.resolve({ kind: 'drop', reason: 'sender error', detail: (err as Error).message })
    }
    outcome
      .catch((err: unknown): Outcome => ({ kind: 'drop', reason: 'sender error', detail: (err as Error)?.message }))
      .then((o) => this.settle(key, item, o))
  }

  private settle(key: number, item: T, outcome: Outcome): void {
    this.setFlying(key, false)
    this.inFlight--
    const q = this.queues[key]!
    const gate = this.options.gate
    if (outcome.kind === 'retry') {
      this.stats.retried++
      gate.failed(outcome.reason, outcome.afterMs)
    } else {
      // The head may have been pushed out by an overflow while it was in flight.
      if (q[0] === item) {
        q.shift()
        this.stats.buffered--
      }
      if (outcome.kind === 'ok') {
        this.stats.sent++
      } else {
        this.stats.dropped++
        if (!this.logged.has(outcome.reason)) {
          this.logged.add(outcome.reason)
          this.options.log.warn(
            { channel: this.options.name, reason: outcome.reason, detail: outcome.detail },
            'simulator: message refused; dropping such messages (logged once)',
          )
        }
      }
      if (outcome.kind === 'drop' && outcome.unreachable) gate.failed(outcome.reason)
      else gate.succeeded()
    }
    if (q.length > 0 && !this.closed) this.markReady(key)
    if (this.inFlight === 0 && this.closed) for (const fn of this.idleWaiters.splice(0)) fn()
    this.pump()
  }
}
