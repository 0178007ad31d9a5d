import { ParseError } from '../../geo/ingest/parse-error.ts'
import type { FeedHealth } from '../ingest/feed-health.ts'
import type { Logger } from '../logger.ts'
import { KeyedSeries } from './keyed-series.ts'

/** One kind of MQTT message and the adapter that stores it. */
export interface MqttRoute {
  /** The FeedHealth name its messages count under. */
  feed: string
  /** MQTT topic filter (`+` and `#` wildcards), relative to the router's prefix. */
  filter: string
  /**
   * Handle a topic's messages one at a time, in the order they came: for a feed whose messages only make sense in
   * that order (Frigate's reviews: new, update, end, all on one topic). A feed whose messages carry their own time
   * (positions) leaves this off: a phone's backlog then shares one commit instead of taking one commit a message.
   */
  inOrder: boolean
  /**
   * Resolves once the message's records are committed, or when it legitimately holds nothing to store.
   * Throws ParseError for input that can never be stored; any other error is taken as passing (database
   * down, ingest buffer full) and the message is tried again.
   */
  handle(topic: string, payload: Buffer): Promise<void>
}

export interface TopicRouterOptions {
  feeds: FeedHealth
  log: Logger
  /** Put before every filter, e.g. `site1/` when a broker is shared. */
  prefix?: string
  retry?: { firstMs: number; maxMs: number }
}

/** Whether an MQTT topic matches a filter with `+` (one level) and `#` (the rest) wildcards. */
export function topicMatches(filter: string, topic: string): boolean {
  // Level by level without splitting: this runs for every message.
  let f = 0
  let t = 0
  for (;;) {
    const fEnd = levelEnd(filter, f)
    if (fEnd - f === 1 && filter.charCodeAt(f) === HASH) return true
    if (t > topic.length) return false
    const tEnd = levelEnd(topic, t)
    const plus = fEnd - f === 1 && filter.charCodeAt(f) === PLUS
    if (!plus && !sameLevel(filter, f, fEnd, topic, t, tEnd)) return false
    f = fEnd + 1
    t = tEnd + 1
    if (f > filter.length) return t > topic.length
  }
}

const HASH = 35
const PLUS = 43
const levelEnd = (s: string, from: number) => {
  const i = s.indexOf('/', from)
  return i === -1 ? s.length : i
}
function sameLevel(a: string, aFrom: number, aEnd: number, b: string, bFrom: number, bEnd: number): boolean {
  if (aEnd - aFrom !== bEnd - bFrom) return false
  for (let i = 0; i < aEnd - aFrom; i++) if (a.charCodeAt(aFrom + i) !== b.charCodeAt(bFrom + i)) return false
  return true
}

/**
 * Input that will fail however often it is tried: bad messages, database errors about the data itself
 * (SQLSTATE classes 22 data exception and 23 integrity violation) rather than about the database, and
 * programming errors (which would otherwise hold up every message behind this one for ever).
 */
export function isRefusal(err: unknown): boolean {
  if (err instanceof ParseError || isBug(err)) return true
  const code = (err as { code?: unknown })?.code
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code)
}

const isBug = (err: unknown) => err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError

/**
 * Routes each MQTT message to its adapter and says when it may be acknowledged: a message is acknowledged
 * (PUBACK) only after its records are committed, or when it is refused as bad input (logged and counted per
 * feed: redelivering it would not make it better). Passing failures are retried with backoff, holding the
 * acknowledgement, until they succeed or the router closes (then the broker redelivers it next session).
 */
export class TopicRouter {
  private readonly prefix: string
  private readonly retry: { firstMs: number; maxMs: number }
  /** Messages being handled, and who waits for there to be none (close). */
  private handling = 0
  private readonly drained: Array<() => void> = []
  private readonly wakers = new Set<() => void>()
  private readonly lastWarned = new Map<string, { at: number; suppressed: number }>()
  private readonly byTopic = new KeyedSeries()
  private closed = false

  constructor(
    private readonly routes: readonly MqttRoute[],
    private readonly options: TopicRouterOptions,
  ) {
    this.prefix = options.prefix ?? ''
    this.retry = options.retry ?? { firstMs: 100, maxMs: 5000 }
    for (const r of routes) options.feeds.register(r.feed)
  }

  /** The topic filters to subscribe to. */
  get subscriptions(): string[] {
    return [...new Set(this.routes.map((r) => this.prefix + r.filter))]
  }

  /** Stops retrying and waits for the messages being handled (their commits) to finish. */
  async close(): Promise<void> {
    this.closed = true
    for (const wake of this.wakers) wake()
    if (this.handling > 0) await new Promise<void>((resolve) => this.drained.push(resolve))
  }

  /** True: acknowledge the message now. False: the router is closing; leave it unacknowledged. Never throws. */
  async deliver(fullTopic: string, payload: Buffer): Promise<boolean> {
    if (!fullTopic.startsWith(this.prefix)) return true
    const topic = this.prefix ? fullTopic.slice(this.prefix.length) : fullTopic
    const route = this.routeOf(topic)
    if (!route) return true
    return route.inOrder ? this.byTopic.run(fullTopic, () => this.store(route, topic, fullTopic, payload)) : this.store(route, topic, fullTopic, payload)
  }

  /** Hands the message to its route, retrying passing failures; resolves as deliver does. */
  private async store(route: MqttRoute, topic: string, fullTopic: string, payload: Buffer): Promise<boolean> {
    this.handling++
    let delay = this.retry.firstMs
    try {
      for (let attempt = 1; ; attempt++) {
        if (this.closed) return false
        try {
          await route.handle(topic, payload)
          this.options.feeds.record(route.feed, 'ok')
          return true
        } catch (err) {
          if (isRefusal(err)) {
            const message = (err as Error).message
            this.options.feeds.record(route.feed, 'rejected', message)
            if (isBug(err)) this.options.log.error({ feed: route.feed, topic: fullTopic, err }, 'MQTT message failed; dropped')
            else this.warn(route.feed, { topic: fullTopic, err: message }, 'MQTT message refused')
            return true
          }
          if (this.closed) return false
          this.options.log.warn({ feed: route.feed, topic: fullTopic, attempt, retryInMs: delay, err: (err as Error).message }, 'MQTT message not stored yet; retrying')
          await this.sleep(delay)
          delay = Math.min(delay * 2, this.retry.maxMs)
        }
      }
    } finally {
      if (--this.handling === 0) for (const done of this.drained.splice(0)) done()
    }
  }

  private routeOf(topic: string): MqttRoute | undefined {
    for (const r of this.routes) if (topicMatches(r.filter, topic)) return r
    return undefined
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        this.wakers.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, ms)
      this.wakers.add(wake)
    })
  }

  /** At most one warning per feed every 10 s: a device sending garbage ten times a second must not flood the log. */
  private warn(feed: string, detail: Record<string, unknown>, msg: string): void {
    const now = Date.now()
    const last = this.lastWarned.get(feed)
    if (last && now - last.at < 10_000) {
      last.suppressed++
      return
    }
    this.options.log.warn({ feed, ...detail, ...(last?.suppressed ? { suppressedSinceLast: last.suppressed } : {}) }, msg)
    this.lastWarned.set(feed, { at: now, suppressed: 0 })
  }
}
