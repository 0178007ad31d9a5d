import pino from 'pino'
import { beforeAll, describe, expect, it } from 'vitest'
import { describeBackends } from '../testing/backends.ts'
import { insertTrackingFixture } from '../testing/tracking-fixture.ts'
import type { PositionFix } from '../../geo/ingest/position-fix.ts'
import { ParseError } from '../../geo/ingest/parse-error.ts'
import { loadDeviceRegistry } from './device-registry.ts'
import { PositionWriter } from './position-writer.ts'
import { PositionPipeline } from './position-pipeline.ts'
import { coalescePositions, type PositionSink } from './coalesced-positions.ts'

const log = pino({ level: 'silent' })
const now = new Date('2026-11-23T12:00:00Z')
const fix = (s: number, deviceId: string, lon = -56.2): PositionFix => ({
  source: 'owntracks', deviceId, deviceTime: new Date(now.getTime() - 600_000 + s * 1000), lon, lat: -34.9,
  speedMps: 10, headingDeg: 90, accuracyM: 5, altitudeM: null, batteryPct: 80,
})
const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

describeBackends('coalesced position submissions', ({ db }) => {
  /** The sizes of the submissions the pipeline saw. */
  const seen: number[] = []
  let single: PositionSink
  const history = async () => (await db().query<{ n: number }>('SELECT count(*)::int AS n FROM position_history')).rows[0]!.n

  beforeAll(async () => {
    const grids = await insertTrackingFixture(db())
    const pipeline = new PositionPipeline(await loadDeviceRegistry(db()), grids, new PositionWriter(db(), log), undefined, () => now)
    single = coalescePositions({ submit: (fixes) => (seen.push(fixes.length), pipeline.submit(fixes)) })
  })

  it("submits one turn's fixes together and answers each caller once they are committed", async () => {
    seen.length = 0
    await Promise.all([single.submit([fix(0, 'unit-0001')]), single.submit([fix(0, 'unit-0007')]), single.submit([fix(1, 'unit-0002', -56.1999)])])
    expect(seen).toEqual([3])
    expect(await history()).toBe(3)
  })

  it('submits fixes from different turns separately', async () => {
    seen.length = 0
    const first = single.submit([fix(10, 'unit-0001')])
    await nextTurn()
    await Promise.all([first, single.submit([fix(10, 'unit-0007')])])
    expect(seen).toEqual([1, 1])
    expect(await history()).toBe(5)
  })

  it('gives a refused fix the error it would get alone, and stores the others of its turn', async () => {
    seen.length = 0
    const outcomes = await Promise.allSettled([
      single.submit([fix(20, 'unit-0001')]),
      single.submit([fix(20, 'stranger')]),
      single.submit([fix(20, 'unit-0007')]),
    ])
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    const err = (outcomes[1] as PromiseRejectedResult).reason
    expect(err).toBeInstanceOf(ParseError)
    // Its path has no index: it is the problem of this caller's one fix, not of a batch it never sent.
    expect((err as ParseError).problems).toEqual([{ path: 'deviceId', message: 'unknown device "stranger"' }])
    // The whole turn once (refused, nothing stored), then each caller alone.
    expect(seen).toEqual([3, 1, 1, 1])
    expect(await history()).toBe(7)
  })
})

describe('coalesced position submissions, when storing fails', () => {
  it('gives every caller of the turn the failure, once', async () => {
    const calls: number[] = []
    const down = coalescePositions({ submit: async (fixes) => (calls.push(fixes.length), Promise.reject(new Error('database down'))) })
    const outcomes = await Promise.allSettled([down.submit([fix(0, 'a')]), down.submit([fix(0, 'b')])])
    expect(outcomes.map((o) => (o as PromiseRejectedResult).reason?.message)).toEqual(['database down', 'database down'])
    expect(calls).toEqual([2])
  })

  it("starts a new submission once a turn's fixes reach the writer's batch size", async () => {
    const calls: number[] = []
    const sizes = coalescePositions({ submit: async (fixes) => void calls.push(fixes.length) }, 4)
    await Promise.all([1, 3, 2, 2, 1].map((n) => sizes.submit(Array.from({ length: n }, (_, i) => fix(i, 'a')))))
    expect(calls).toEqual([4, 4, 1])
  })

  it('does not submit a refused single caller twice', async () => {
    const calls: number[] = []
    const refusing = coalescePositions({ submit: async (fixes) => (calls.push(fixes.length), Promise.reject(new ParseError([{ path: 'lat', message: 'bad' }]))) })
    await expect(refusing.submit([fix(0, 'a')])).rejects.toBeInstanceOf(ParseError)
    expect(calls).toEqual([1])
  })
})
