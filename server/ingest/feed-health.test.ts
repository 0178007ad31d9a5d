import { describe, expect, it } from 'vitest'
import { FeedHealth } from './feed-health.ts'

describe('FeedHealth', () => {
  it('keeps per feed the last message time and counts, and lists a registered feed before its first message', () => {
    let t = Date.parse('2026-11-23T10:00:00Z')
    const health = new FeedHealth(() => t)
    health.register('owntracks-mqtt')
    health.record('frigate', 'ok')
    t += 1000
    health.record('frigate', 'rejected', 'no camera has frigate_name "x"')
    t += 1000
    health.record('frigate', 'ok')
    expect(health.snapshot()).toEqual([
      {
        feed: 'frigate', ok: 2, rejected: 1, lastMessageAt: '2026-11-23T10:00:02.000Z', lastOkAt: '2026-11-23T10:00:02.000Z',
        lastRejectedAt: '2026-11-23T10:00:01.000Z', lastError: 'no camera has frigate_name "x"',
      },
      { feed: 'owntracks-mqtt', ok: 0, rejected: 0, lastMessageAt: null, lastOkAt: null, lastRejectedAt: null, lastError: null },
    ])
  })

  it('hands out copies', () => {
    const health = new FeedHealth()
    health.record('camera-webhook', 'ok')
    health.snapshot()[0].ok = 99
    expect(health.snapshot()[0].ok).toBe(1)
  })
})
