import { io as connect, type Socket } from 'socket.io-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDemoServer } from '../testing/demo-server.ts'
import { decodeUnitFrame, type UnitFrame, type WireUnitFrame } from '../../geo/live/unit-frame.ts'
import { LIVE_FRAME_MS, LIVE_NAMESPACE } from './live-hub.ts'
import { roomsForGrid } from './jurisdiction-rooms.ts'
import type { StoredFix } from '../ingest/stored-fix.ts'

type Snapshot = { units: { seq: number; rows: Array<{ id: string }> } }

describe('live hub over Socket.IO', () => {
  let server: Awaited<ReturnType<typeof startDemoServer>>
  let client: Socket
  const frames: UnitFrame[] = []
  const nextFrame = () =>
    new Promise<UnitFrame>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no frame within 5 s')), 5000)
      client.once('units', (f: WireUnitFrame) => {
        clearTimeout(timer)
        resolve(decodeUnitFrame(f))
      })
    })
  let t = Date.now() - 60_000
  const post = (lon: number, unit = 'unit-0001') =>
    fetch(`${server.url}/api/v1/positions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.gatewayToken}` },
      body: JSON.stringify([{ deviceId: unit, time: new Date((t += 5000)).toISOString(), lat: -34.9055, lon }]),
    })

  beforeAll(async () => {
    server = await startDemoServer()
    client = connect(`${server.url}${LIVE_NAMESPACE}`, { transports: ['websocket'], auth: { token: server.token } })
    client.on('units', (f: WireUnitFrame) => frames.push(decodeUnitFrame(f)))
    await new Promise<void>((resolve) => client.on('connect', () => resolve()))
  })
  afterAll(async () => {
    client?.close()
    await server?.stop()
  })

  it('answers a subscription with a snapshot of every unit', async () => {
    const snap = (await client.emitWithAck('subscribe', { layers: ['units'] })) as Snapshot
    expect(snap.units.seq).toBe(0)
    expect(snap.units.rows).toHaveLength(40)
  })

  it('refuses an unknown layer with a clear error', async () => {
    const reply = (await client.emitWithAck('subscribe', { layers: ['faces'] })) as { error: { message: string } }
    expect(reply.error.message).toMatch(/layers\.0/)
  })

  it('streams an ingested position in a numbered frame', async () => {
    const frame = nextFrame()
    expect((await post(-56.188)).status).toBe(200)
    const f = await frame
    expect(f.seq).toBe(1)
    expect(f.moves).toHaveLength(1)
    expect(f.moves[0].slice(0, 3)).toEqual(['unit-0001', -56.188, -34.9055])
    expect(f.moves[0][6]).toMatch(/^999001\d{9}$/)
  })

  it('coalesces a burst to the latest position per unit', async () => {
    const frame = nextFrame()
    await Promise.all([post(-56.1879), post(-56.1878), post(-56.1877)])
    const f = await frame
    const units = f.moves.map((m) => m[0])
    expect(new Set(units).size).toBe(units.length)
  })

  it('replays what a briefly disconnected client missed, without a new snapshot', async () => {
    await new Promise((r) => setTimeout(r, 300))
    const seen = frames.length
    const lastSeq = frames.at(-1)!.seq
    client.io.engine.close()
    await new Promise((r) => setTimeout(r, 50))
    await post(-56.187)
    await new Promise<void>((resolve) => client.once('connect', () => resolve()))
    expect(client.recovered).toBe(true)
    await new Promise((r) => setTimeout(r, 500))
    const missed = frames.slice(seen)
    expect(missed.map((f) => f.seq)).toEqual([lastSeq + 1])
  })

  it(`sends a frame as soon as moves arrive, but never two within the frame interval (${LIVE_FRAME_MS} ms)`, async () => {
    await new Promise((r) => setTimeout(r, 300))
    const seen = frames.length
    for (let i = 0; i < 8; i++) expect((await post(-56.186 + i * 1e-4, i % 2 ? 'unit-0002' : 'unit-0001')).status).toBe(200)
    await new Promise((r) => setTimeout(r, 300))
    const sent = frames.slice(seen)
    expect(sent.length).toBeGreaterThan(1)
    // Each unit's last move is the last position it posted.
    const last = new Map(sent.flatMap((f) => f.moves).map((m) => [m[0], m[1]]))
    expect(last.get('unit-0001')).toBeCloseTo(-56.186 + 6e-4, 6)
    expect(last.get('unit-0002')).toBeCloseTo(-56.186 + 7e-4, 6)
    // Timers keep whole milliseconds of their own clock, so by the wall clock one may fire a little early.
    for (let k = 1; k < sent.length; k++) expect(sent[k].t - sent[k - 1].t).toBeGreaterThanOrEqual(LIVE_FRAME_MS - 2)
  })
})

describe('live hub: a client that stops reading', () => {
  let server: Awaited<ReturnType<typeof startDemoServer>>
  const clients: Socket[] = []
  const open = async () => {
    const c = connect(`${server.url}${LIVE_NAMESPACE}`, { transports: ['websocket'], auth: { token: server.token } })
    clients.push(c)
    await new Promise<void>((resolve) => c.on('connect', () => resolve()))
    await c.emitWithAck('subscribe', { layers: ['units'] })
    const seqs: number[] = []
    c.on('units', (f: WireUnitFrame) => seqs.push(decodeUnitFrame(f).seq))
    return { socket: c, seqs }
  }
  beforeAll(async () => {
    server = await startDemoServer()
  })
  afterAll(async () => {
    for (const c of clients) c.close()
    await server?.stop()
  })

  /** A frame of 5,000 made-up units a few metres apart: large enough to fill a socket's buffers quickly. */
  let round = 0
  const publishBigFrame = () => {
    round++
    const deviceTime = new Date(Date.now() - 1000 + round)
    server.hub.publishPositions(
      Array.from({ length: 5000 }, (_, i): StoredFix => ({
        source: 'bulk', deviceId: `bulk-${i}`, deviceTime, lon: -56.19 + i * 1e-5, lat: -34.9 + round * 1e-6,
        speedMps: 3, headingDeg: 90, accuracyM: 5, altitudeM: null, batteryPct: null,
        unitId: `bulk-${i}`, serverTime: deviceTime, gridCode: null, verdict: 'accepted', transition: null,
      })),
    )
  }
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

  it('skips frames to it once too many are queued, while a reading client gets every one', async () => {
    const reader = await open()
    const stalled = await open()
    // Stop reading the stalled client's socket: the server's writes back up, in the kernel and then in engine.io.
    const raw = (stalled.socket.io.engine.transport as unknown as { ws: { _socket: import('node:net').Socket } }).ws._socket
    raw.pause()
    const queued = () => {
      const s = server.hub.io.of(LIVE_NAMESPACE).sockets.get(stalled.socket.id!)
      return (s?.conn as unknown as { writeBuffer: unknown[] }).writeBuffer.length
    }
    for (let i = 0; i < 400 && queued() <= 40; i++) {
      publishBigFrame()
      await pause(LIVE_FRAME_MS + 5)
    }
    expect(queued()).toBeGreaterThan(40)
    // These frames find it lagging and leave it out.
    for (let i = 0; i < 5; i++) {
      publishBigFrame()
      await pause(LIVE_FRAME_MS + 5)
    }
    raw.resume()
    // Once it has read what was queued, new frames reach it again.
    for (let i = 0; i < 60 && (stalled.seqs.length === 0 || stalled.seqs.at(-1) !== reader.seqs.at(-1)); i++) {
      publishBigFrame()
      await pause(250)
    }
    expect(reader.seqs).toEqual(Array.from({ length: reader.seqs.length }, (_, i) => reader.seqs[0] + i))
    expect(stalled.seqs.at(-1)).toBe(reader.seqs.at(-1))
    // What it got has a hole where the skipped frames were: the gap that sends the wall back for a new snapshot.
    const holes = stalled.seqs.filter((seq, i) => i > 0 && seq !== stalled.seqs[i - 1] + 1)
    expect(holes.length).toBeGreaterThan(0)
    expect(stalled.seqs.length).toBeLessThan(reader.seqs.length)
  }, 60_000)
})

describe('roomsForGrid', () => {
  it('publishes to every enclosing area and to the city when outside the grids', () => {
    expect(roomsForGrid('units', '999001002003004', '999001')).toEqual([
      'units:999001', 'units:999001002', 'units:999001002003', 'units:999001002003004',
    ])
    expect(roomsForGrid('alerts', null, '999001')).toEqual(['alerts:999001'])
  })
})
