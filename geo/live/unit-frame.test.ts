import { describe, expect, it } from 'vitest'
import { decodeUnitFrame, encodeUnitFrame, MAX_MOVES_PER_FRAME, type UnitFrame, type UnitMove } from './unit-frame.ts'

const frame: UnitFrame = {
  seq: 42,
  t: 1_796_644_800_123,
  moves: [
    ['unit-0001', -56.164531, -34.901112, 271.5, 13.9, 1_796_644_799_950, '999001002003004'],
    ['unit-0002', 120.123456, 30.654321, null, null, 1_796_644_799_001, null],
    ['二号车', -56.2, -34.9, 0, 0, 1_796_644_800_000, '999001002003004'],
    ['unit-0004', -179.999999, 89.999999, 359.9, 6553.4, 1_796_644_700_000.5, '999001002003005'],
  ],
}

describe('unit frame wire format', () => {
  it('round-trips every field, nulls included', () => {
    expect(decodeUnitFrame(encodeUnitFrame(frame))).toEqual(frame)
  })

  it('sends each grid code once per frame and 22 bytes of numbers per move', () => {
    const wire = encodeUnitFrame(frame)
    expect(wire.grids).toEqual(['999001002003004', '999001002003005'])
    expect(wire.ids).toEqual(frame.moves.map((m) => m[0]))
    expect(wire.data.byteLength).toBe(22 * frame.moves.length)
  })

  it('keeps lon/lat to a micro-degree and heading/speed to a tenth, clamping what does not fit', () => {
    const odd: UnitMove = ['u', 10.0000004, -10.0000006, 12.34, 99_999, 1, null]
    const [, lon, lat, heading, speed] = decodeUnitFrame(encodeUnitFrame({ seq: 1, t: 1, moves: [odd] })).moves[0]
    expect([lon, lat, heading, speed]).toEqual([10, -10.000001, 12.3, 6553.4])
  })

  it('decodes from an ArrayBuffer (a browser) and from an unaligned Buffer slice (Node)', () => {
    const wire = encodeUnitFrame(frame)
    const bytes = wire.data as Uint8Array
    expect(decodeUnitFrame({ ...wire, data: bytes.slice().buffer })).toEqual(frame)
    const shifted = Buffer.alloc(bytes.byteLength + 3)
    shifted.set(bytes, 3)
    expect(decodeUnitFrame({ ...wire, data: shifted.subarray(3) })).toEqual(frame)
  })

  it('refuses a frame whose numbers do not match its ids, and one too big to index', () => {
    const wire = encodeUnitFrame(frame)
    expect(() => decodeUnitFrame({ ...wire, ids: wire.ids.slice(1) })).toThrow(/bytes for 3 moves/)
    const many = Array.from({ length: MAX_MOVES_PER_FRAME + 1 }, (): UnitMove => ['u', 0, 0, null, null, 0, null])
    expect(() => encodeUnitFrame({ seq: 7, t: 0, moves: many })).toThrow(RangeError)
  })
})
