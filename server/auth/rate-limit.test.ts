import express from 'express'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Queryable } from '../db/db.ts'
import type { IncidentIntake } from '../incidents/incident-intake.ts'
import { OPEN311_BASE, open311Router } from '../incidents/open311-routes.ts'
import { listen } from '../testing/listen.ts'
import { SlidingWindowLimit } from './rate-limit.ts'

describe('SlidingWindowLimit', () => {
  it('lets `max` through per window, says how long to wait, and counts each key apart', () => {
    const clock = { t: 0 }
    const limit = new SlidingWindowLimit(2, 60_000, () => clock.t)
    expect([limit.take('a'), limit.take('a'), limit.take('b')]).toEqual([0, 0, 0])
    clock.t = 20_000
    expect(limit.take('a')).toBe(40)
    clock.t = 60_001
    expect(limit.take('a')).toBe(0)
  })
})

describe('Open311 POST rate limit per client address', () => {
  let base = ''
  let close: () => Promise<void>
  beforeAll(async () => {
    const app = express()
    // Tests speak for several client addresses; the real app takes the socket's (or the trusted proxy's).
    app.use((req, _res, next) => {
      Object.defineProperty(req, 'ip', { value: req.get('x-test-ip') ?? '127.0.0.1' })
      next()
    })
    // Every request here is refused before it would reach the database or the intake.
    app.use(open311Router({ db: {} as Queryable, intake: {} as IncidentIntake, log: pino({ level: 'silent' }), postsPerMinute: 3 }))
    ;({ url: base, close } = await listen(app))
  })
  afterAll(() => close?.())

  const post = (ip: string) =>
    fetch(`${base}${OPEN311_BASE}/requests.json`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-test-ip': ip }, body: 'description=no+position',
    })

  it('answers 429 in Open311 error format with Retry-After past the limit, for that address only', async () => {
    for (let i = 0; i < 3; i++) expect((await post('10.1.1.1')).status).toBe(400)
    const refused = await post('10.1.1.1')
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(59)
    expect(await refused.json()).toEqual([{ code: 429, description: expect.stringMatching(/too many requests/) }])
    expect((await post('10.1.1.2')).status).toBe(400)
    // Reads are not counted.
    expect((await fetch(`${base}${OPEN311_BASE}/requests.json?start_date=nonsense`, { headers: { 'x-test-ip': '10.1.1.1' } })).status).toBe(400)
  })
})
