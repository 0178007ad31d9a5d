import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { ParseError } from '../../geo/ingest/parse-error.ts'
import { BackPressureError } from '../ingest/position-writer.ts'
import { FeedHealth } from '../ingest/feed-health.ts'
import { isRefusal, topicMatches, TopicRouter, type MqttRoute } from './topic-router.ts'

const log = pino({ level: 'silent' })
const route = (handle: MqttRoute['handle'], filter = 'owntracks/+/+', inOrder = false): MqttRoute => ({ feed: 'test', filter, handle, inOrder })
const counts = (feeds: FeedHealth) => {
  const s = feeds.snapshot().find((f) => f.feed === 'test')!
  return { ok: s.ok, rejected: s.rejected }
}

describe('topicMatches', () => {
  it('follows MQTT wildcards', () => {
    expect(topicMatches('owntracks/+/+', 'owntracks/patrol/unit-0007')).toBe(true)
    expect(topicMatches('owntracks/+/+', 'owntracks/patrol/unit-0007/event')).toBe(false)
    expect(topicMatches('owntracks/+/+', 'owntracks/patrol')).toBe(false)
    expect(topicMatches('frigate/#', 'frigate/reviews')).toBe(true)
    expect(topicMatches('frigate/reviews', 'frigate/events')).toBe(false)
    // Edges of matching level by level in place: '#' also matches its parent, '+' an empty level, and a level
    // must match whole.
    expect(topicMatches('frigate/#', 'frigate')).toBe(true)
    expect(topicMatches('owntracks/+/+', 'owntracks//unit-0007')).toBe(true)
    expect(topicMatches('owntracks/+/+', 'owntracks/patrol/')).toBe(true)
    expect(topicMatches('frigate/review', 'frigate/reviews')).toBe(false)
    expect(topicMatches('frigate/reviews', 'frigate/review')).toBe(false)
    expect(topicMatches('frigate/reviews', 'frigate/reviews/')).toBe(false)
  })
})

describe('isRefusal', () => {
  it('tells bad input and data errors from passing failures', () => {
    expect(isRefusal(new ParseError([]))).toBe(true)
    expect(isRefusal(Object.assign(new Error('duplicate'), { code: '23505' }))).toBe(true)
    expect(isRefusal(new TypeError('x is undefined'))).toBe(true)
    expect(isRefusal(Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }))).toBe(false)
    expect(isRefusal(Object.assign(new Error('admin shutdown'), { code: '57P01' }))).toBe(false)
    expect(isRefusal(new BackPressureError(5))).toBe(false)
  })
})

describe('TopicRouter', () => {
  it("handles an in-order feed's topic one message at a time, in order, and other feeds' messages at once", async () => {
    const started: string[] = []
    const running = { reviews: 0, phone: 0 }
    const most = { reviews: 0, phone: 0 }
    const releases: Array<() => void> = []
    const held = (kind: 'reviews' | 'phone') => (_topic: string, payload: Buffer) => {
      started.push(String(payload))
      most[kind] = Math.max(most[kind], ++running[kind])
      return new Promise<void>((resolve) => releases.push(() => (running[kind]--, resolve())))
    }
    const router = new TopicRouter([route(held('reviews'), 'frigate/reviews', true), route(held('phone'))], { feeds: new FeedHealth(), log })
    const answers = [
      ...['new', 'update', 'end'].map((m) => router.deliver('frigate/reviews', Buffer.from(m))),
      ...['fix1', 'fix2', 'fix3'].map((m) => router.deliver('owntracks/u/d', Buffer.from(m))),
    ]
    await new Promise((r) => setTimeout(r, 20))
    // The phone's three are all in hand at once; of the reviews, only the first.
    expect(started).toEqual(['new', 'fix1', 'fix2', 'fix3'])
    for (let i = 0; i < 6; i++) {
      releases.shift()!()
      await new Promise((r) => setTimeout(r, 5))
    }
    expect(await Promise.all(answers)).toEqual([true, true, true, true, true, true])
    expect(started).toEqual(['new', 'fix1', 'fix2', 'fix3', 'update', 'end'])
    expect(most).toEqual({ reviews: 1, phone: 3 })
  })

  it('acknowledges after the handler resolves and counts the message as ok', async () => {
    const feeds = new FeedHealth()
    const seen: string[] = []
    const router = new TopicRouter([route(async (topic, payload) => void seen.push(`${topic} ${payload}`))], { feeds, log, prefix: 'site1/' })
    expect(router.subscriptions).toEqual(['site1/owntracks/+/+'])
    expect(await router.deliver('site1/owntracks/u/d', Buffer.from('hi'))).toBe(true)
    expect(seen).toEqual(['owntracks/u/d hi'])
    expect(counts(feeds)).toEqual({ ok: 1, rejected: 0 })
  })

  it('acknowledges and counts a refused message without retrying it', async () => {
    const feeds = new FeedHealth()
    let calls = 0
    const router = new TopicRouter([route(async () => {
      calls++
      throw new ParseError([{ path: 'lat', message: 'bad' }])
    })], { feeds, log })
    expect(await router.deliver('owntracks/u/d', Buffer.from('{}'))).toBe(true)
    expect(calls).toBe(1)
    expect(counts(feeds)).toEqual({ ok: 0, rejected: 1 })
    expect(feeds.snapshot()[0].lastError).toBe('lat: bad')
  })

  it('retries a passing failure and acknowledges only once it succeeds', async () => {
    const feeds = new FeedHealth()
    let calls = 0
    const router = new TopicRouter([route(async () => {
      if (++calls < 3) throw Object.assign(new Error('db down'), { code: 'ECONNREFUSED' })
    })], { feeds, log, retry: { firstMs: 5, maxMs: 10 } })
    expect(await router.deliver('owntracks/u/d', Buffer.from('{}'))).toBe(true)
    expect(calls).toBe(3)
    expect(counts(feeds)).toEqual({ ok: 1, rejected: 0 })
  })

  it('leaves a message unacknowledged when closed while it waits to be retried', async () => {
    const feeds = new FeedHealth()
    const router = new TopicRouter([route(async () => {
      throw new Error('db down')
    })], { feeds, log, retry: { firstMs: 60_000, maxMs: 60_000 } })
    const delivered = router.deliver('owntracks/u/d', Buffer.from('{}'))
    await new Promise((r) => setTimeout(r, 20))
    await router.close()
    expect(await delivered).toBe(false)
    expect(await router.deliver('owntracks/u/d', Buffer.from('{}'))).toBe(false)
  })

  it('acknowledges messages on topics it has no route for', async () => {
    const router = new TopicRouter([route(async () => {})], { feeds: new FeedHealth(), log })
    expect(await router.deliver('owntracks/u/d/event', Buffer.from('{}'))).toBe(true)
  })
})
