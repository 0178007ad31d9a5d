import { describe, expect, it } from 'vitest'
import { nodeLines, toE7, type Segment } from './node-lines.ts'

const frame = { minLon: 0, minLat: 0, maxLon: 0.001, maxLat: 0.001 }
const g = (deg: number) => toE7(deg)
/** Undirected, order-independent view of the segments, without the frame. */
const inner = (segs: Segment[]) =>
  segs
    .filter((s) => s[4] >= 0)
    .map((s) => (s[0] < s[2] || (s[0] === s[2] && s[1] < s[3]) ? s.slice(0, 4) : [s[2], s[3], s[0], s[1]]))
    .map((s) => s.join(','))
    .sort()

describe('nodeLines', () => {
  it('splits two crossing lines at the crossing', () => {
    const segs = nodeLines([[[0.0002, 0.0002], [0.0008, 0.0008]], [[0.0002, 0.0008], [0.0008, 0.0002]]], frame)
    const mid = g(0.0005)
    expect(inner(segs)).toEqual(
      [
        [g(0.0002), g(0.0002), mid, mid],
        [g(0.0002), g(0.0008), mid, mid],
        [mid, mid, g(0.0008), g(0.0002)],
        [mid, mid, g(0.0008), g(0.0008)],
      ].map((s) => s.join(',')).sort(),
    )
  })

  it('splits a line where another ends on it, and remembers which input line each piece came from', () => {
    const segs = nodeLines([[[0.0001, 0.0005], [0.0009, 0.0005]], [[0.0005, 0.0005], [0.0005, 0.0009]]], frame)
    const pieces = segs.filter((s) => s[4] === 0)
    expect(pieces).toHaveLength(2)
    expect(pieces.every((s) => s[2] === g(0.0005) || s[0] === g(0.0005))).toBe(true)
    expect(segs.filter((s) => s[4] === 1)).toHaveLength(1)
  })

  it('merges overlapping collinear lines into shared pieces', () => {
    const segs = nodeLines([[[0.0001, 0.0005], [0.0006, 0.0005]], [[0.0004, 0.0005], [0.0009, 0.0005]]], frame)
    const y = g(0.0005)
    expect(inner(segs)).toEqual(
      [
        [g(0.0001), y, g(0.0004), y],
        [g(0.0004), y, g(0.0006), y],
        [g(0.0006), y, g(0.0009), y],
      ].map((s) => s.join(',')).sort(),
    )
  })

  it('clips lines to the frame and nodes the frame where they leave it', () => {
    const segs = nodeLines([[[-0.001, 0.0005], [0.0005, 0.0005]]], frame)
    expect(inner(segs)).toEqual([[0, g(0.0005), g(0.0005), g(0.0005)].join(',')])
    // The west edge of the frame is now two pieces meeting at the clip point.
    const west = segs.filter((s) => s[4] === -1 && s[0] === 0 && s[2] === 0)
    expect(west).toHaveLength(2)
  })

  it('keeps noding until rounded crossing points create no new crossings', () => {
    // A fan of nearly parallel lines crossing a shallow one: rounded crossing points shift pieces by < 1 unit.
    const lines = Array.from({ length: 40 }, (_, k) => [
      [0.0001 + k * 0.0000137, 0.0001],
      [0.0009 - k * 0.0000113, 0.0009],
    ])
    lines.push([[0.0001, 0.00050003], [0.0009, 0.00049997]])
    const segs = nodeLines(lines, frame)
    expect(nodeLines(segs.map((s) => [[s[0] / 1e7, s[1] / 1e7], [s[2] / 1e7, s[3] / 1e7]]), frame).length).toBe(segs.length)
  })
})
