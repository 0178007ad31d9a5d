/**
 * Wire format of the live unit frames: bytes, the server's encoding (once per frame and room, whatever the number
 * of clients) and a client's decoding back to the tuples the wall's unit store takes, for one second of the
 * city's 10,000 units at 1 Hz cut into 50 ms frames. Baseline: the plain way, JSON tuples through Socket.IO's
 * default parser (what gridwatch sent until it measured this). Against it: the same tuples through
 * `socket.io-msgpack-parser`, and what gridwatch sends, columns of typed numbers as a binary attachment
 * (`geo/live/unit-frame.ts`). Real unit ids and grid codes from the benchmark city; the packets are made and read
 * by the parsers Socket.IO itself uses on each side.
 */
import { Decoder as JsonDecoder, Encoder as JsonEncoder, PacketType } from 'socket.io-parser'
import * as msgpackParser from 'socket.io-msgpack-parser'
import { decodeUnitFrame, encodeUnitFrame, type UnitFrame, type UnitMove, type WireUnitFrame } from '../geo/live/unit-frame.ts'
import { LIVE_NAMESPACE } from '../server/live/live-hub.ts'
import { createRng } from '../geo/random.ts'
import { numFlag } from './lib/args.ts'
import { openCity } from './lib/bench-db.ts'
import { int, times, type BenchContext, type BenchReport, type BenchRow } from './lib/report.ts'

const FRAME_MS = 50

interface Format {
  name: string
  encode(frame: UnitFrame): Array<string | Uint8Array>
  decode(parts: Array<string | Uint8Array>): UnitFrame
}

type Packet = { type: number; nsp: string; data: unknown[] }
const packet = (data: unknown): Packet => ({ type: PacketType.EVENT, nsp: LIVE_NAMESPACE, data: ['units', data] })

/** Feeds a packet's parts to a Socket.IO decoder and returns the event's payload. */
function readPacket(decoder: { add(part: unknown): void; on(e: 'decoded', f: (p: Packet) => void): unknown; off(e: 'decoded'): unknown }, parts: Array<string | Uint8Array>): unknown {
  let payload: unknown
  decoder.on('decoded', (p: Packet) => (payload = p.data[1]))
  for (const part of parts) decoder.add(part)
  decoder.off('decoded')
  return payload
}

const FORMATS: Format[] = [
  {
    name: 'JSON tuples, default parser',
    encode: (f) => new JsonEncoder().encode(packet(f)) as Array<string | Uint8Array>,
    decode: (parts) => readPacket(new JsonDecoder(), parts) as UnitFrame,
  },
  {
    name: 'the same tuples, socket.io-msgpack-parser',
    encode: (f) => new msgpackParser.Encoder().encode(packet(f)) as unknown as Array<string | Uint8Array>,
    decode: (parts) => readPacket(new msgpackParser.Decoder() as never, parts) as UnitFrame,
  },
  {
    name: 'typed columns as a binary attachment, default parser (what gridwatch sends)',
    encode: (f) => new JsonEncoder().encode(packet(encodeUnitFrame(f))) as Array<string | Uint8Array>,
    decode: (parts) => decodeUnitFrame(readPacket(new JsonDecoder(), parts) as WireUnitFrame),
  },
]

export async function wireFormatBench({ args, city, log }: BenchContext): Promise<BenchReport> {
  const units = numFlag(args, 'wire-units', 10_000, 10_000)
  const rounds = numFlag(args, 'wire-rounds', 30, 10)
  const open = await openCity(city.source, 1)
  let fleet: Array<{ id: string; grid: string | null; lon: number; lat: number }>
  try {
    fleet = (await open.db.query<{ id: string; grid: string | null; lon: number; lat: number }>(
      'SELECT id, grid_code AS grid, ST_X(home) AS lon, ST_Y(home) AS lat FROM unit ORDER BY id LIMIT $1', [units],
    )).rows
  } finally {
    await open.close()
  }
  const frames = oneSecond(fleet)
  log.info(`wire-format: ${frames.length} frames of ${int(frames[0].moves.length)} moves, ${rounds} rounds per format`)

  const results = FORMATS.map((format) => {
    const encoded = frames.map((f) => format.encode(f))
    for (const [i, parts] of encoded.entries()) {
      const back = format.decode(parts)
      if (back.moves.length !== frames[i].moves.length || back.moves[0][0] !== frames[i].moves[0][0]) throw new Error(`${format.name}: a frame did not survive the round trip`)
    }
    const bytes = encoded.reduce((sum, parts) => sum + parts.reduce((s, p) => s + (typeof p === 'string' ? Buffer.byteLength(p) : p.byteLength), 0), 0) / frames.length
    return {
      format,
      bytes,
      messages: encoded[0].length,
      encodeUs: medianPerFrame(rounds, frames.length, () => frames.forEach((f) => format.encode(f))),
      decodeUs: medianPerFrame(rounds, frames.length, () => encoded.forEach((parts) => format.decode(parts))),
    }
  })

  const [base] = results
  const rows: BenchRow[] = []
  for (const r of results) {
    const isBase = r === base
    const vs = (value: string, baseline: string, ratio: number): BenchRow => ({ what: '', value, ...(isBase ? {} : { baseline, ratio: times(ratio) }) })
    rows.push({ ...vs(`${int(r.bytes)} B`, `${int(base.bytes)} B`, base.bytes / r.bytes), what: `${r.format.name}: bytes per frame (${r.messages} WebSocket message${r.messages > 1 ? 's' : ''})` })
    rows.push({ ...vs(`${r.encodeUs.toFixed(0)} µs`, `${base.encodeUs.toFixed(0)} µs`, base.encodeUs / r.encodeUs), what: '  server: encode, per frame and room' })
    rows.push({ ...vs(`${r.decodeUs.toFixed(0)} µs`, `${base.decodeUs.toFixed(0)} µs`, base.decodeUs / r.decodeUs), what: '  client: decode to tuples, per frame' })
  }
  const perSecond = 1000 / FRAME_MS
  return {
    name: 'wire-format',
    title: `live unit frames: ${int(fleet.length)} units at 1 Hz in ${FRAME_MS} ms frames, three wire formats`,
    rows,
    notes: [
      'ratios are baseline / measured (higher is smaller or faster); times are the median over the rounds of each format, per frame',
      ...results.map((r) => `${r.format.name}: ${(r.bytes * perSecond / 1e6).toFixed(2)} MB/s to each client; a client decodes ${(r.decodeUs * perSecond / 1000).toFixed(1)} ms of frames a second`),
      'the server encodes a frame once per room and writes the same bytes to every socket in it, so its cost per client is the bytes it writes, not the encoding',
    ],
  }
}

/** One second of moves: every unit once, near its home, cut into frames in the order they would arrive. */
function oneSecond(fleet: Array<{ id: string; grid: string | null; lon: number; lat: number }>): UnitFrame[] {
  const rng = createRng('wire-format-bench', 'moves')
  const t = Date.UTC(2026, 11, 7, 12)
  const moves: UnitMove[] = fleet.map((u) => [
    u.id,
    Math.round((u.lon + (rng() - 0.5) * 0.01) * 1e6) / 1e6,
    Math.round((u.lat + (rng() - 0.5) * 0.01) * 1e6) / 1e6,
    rng() < 0.1 ? null : Math.round(rng() * 3600) / 10,
    rng() < 0.1 ? null : Math.round(rng() * 200) / 10,
    t - Math.floor(rng() * 1000),
    u.grid,
  ])
  const perFrame = Math.ceil(moves.length / (1000 / FRAME_MS))
  const frames: UnitFrame[] = []
  for (let i = 0; i < moves.length; i += perFrame) frames.push({ seq: frames.length + 1, t: t + frames.length * FRAME_MS, moves: moves.slice(i, i + perFrame) })
  return frames
}

function medianPerFrame(rounds: number, framesPerRound: number, round: () => void): number {
  for (let i = 0; i < 3; i++) round()
  const us: number[] = []
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now()
    round()
    us.push(((performance.now() - t0) * 1000) / framesPerRound)
  }
  return us.sort((a, b) => a - b)[Math.floor(us.length / 2)]
}
