import Flatbush from 'flatbush'
import type { Position } from 'geojson'

/**
 * Nodes line work into a planar set of segments that meet only at shared endpoints.
 *
 * Coordinates are snapped to integers of 1e-7 degrees ("E7", about 1 cm), so every orientation test below is
 * exact in doubles (coordinate differences inside a city are < 1e7, products < 2^53). Crossing points are
 * rounded to E7 too, which can nudge a split segment across a neighbour; that is why noding repeats until a
 * pass finds nothing to split (two or three passes on a real city).
 */

export const E7 = 1e7

/** A segment in E7 integers: [ax, ay, bx, by, index of the input line it came from, -1 for the frame]. */
export type Segment = [number, number, number, number, number]

export interface Frame {
  minLon: number
  minLat: number
  maxLon: number
  maxLat: number
}

export const toE7 = (deg: number): number => Math.round(deg * E7)
export const fromE7 = (units: number): number => units / E7

const MAX_PASSES = 30

/**
 * Snaps the lines to E7, clips them to the frame, adds the frame's own outline and nodes everything.
 * The frame closes the line work so that the blocks along its edge are bounded faces too.
 */
export function nodeLines(lines: readonly (readonly Position[])[], frame: Frame): Segment[] {
  const x0 = toE7(frame.minLon), y0 = toE7(frame.minLat), x1 = toE7(frame.maxLon), y1 = toE7(frame.maxLat)
  const segs: Segment[] = [
    [x0, y0, x1, y0, -1], [x1, y0, x1, y1, -1], [x1, y1, x0, y1, -1], [x0, y1, x0, y0, -1],
  ]
  lines.forEach((line, source) => {
    for (let i = 1; i < line.length; i++) {
      const s = clipSegment(toE7(line[i - 1][0]), toE7(line[i - 1][1]), toE7(line[i][0]), toE7(line[i][1]), x0, y0, x1, y1)
      if (s) segs.push([...s, source])
    }
  })
  let current = dedupe(segs)
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const next = splitPass(current)
    if (!next) return current
    current = next
  }
  throw new Error(`noding did not converge after ${MAX_PASSES} passes`)
}

/** Liang-Barsky against the frame; the clipped end is put exactly on the frame edge so the frame gets noded there. */
type Xyxy = [number, number, number, number]

function clipSegment(ax: number, ay: number, bx: number, by: number, x0: number, y0: number, x1: number, y1: number): Xyxy | null {
  if (ax === bx && ay === by) return null
  const dx = bx - ax, dy = by - ay
  let t0 = 0, t1 = 1
  const edges: [number, number][] = [[-dx, ax - x0], [dx, x1 - ax], [-dy, ay - y0], [dy, y1 - ay]]
  for (const [p, q] of edges) {
    if (p === 0) {
      if (q < 0) return null
    } else {
      const r = q / p
      if (p < 0) { if (r > t1) return null; if (r > t0) t0 = r }
      else { if (r < t0) return null; if (r < t1) t1 = r }
    }
  }
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.round(v)))
  const s: Xyxy = t0 === 0 && t1 === 1
    ? [ax, ay, bx, by]
    : [clamp(ax + t0 * dx, x0, x1), clamp(ay + t0 * dy, y0, y1), clamp(ax + t1 * dx, x0, x1), clamp(ay + t1 * dy, y0, y1)]
  return s[0] === s[2] && s[1] === s[3] ? null : s
}

const orient = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number =>
  Math.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax))

/** Whether a point known to be collinear with a-b lies strictly between a and b. */
function strictlyInside(px: number, py: number, s: Segment): boolean {
  if ((px === s[0] && py === s[1]) || (px === s[2] && py === s[3])) return false
  return px >= Math.min(s[0], s[2]) && px <= Math.max(s[0], s[2]) && py >= Math.min(s[1], s[3]) && py <= Math.max(s[1], s[3])
}

/** One round of splitting every segment at the points where others cross or touch it; null when already noded. */
function splitPass(segs: Segment[]): Segment[] | null {
  const index = new Flatbush(segs.length)
  for (const s of segs) index.add(Math.min(s[0], s[2]), Math.min(s[1], s[3]), Math.max(s[0], s[2]), Math.max(s[1], s[3]))
  index.finish()
  const cuts = new Map<number, number[]>()
  const cut = (i: number, x: number, y: number) => {
    const s = segs[i]
    if ((x === s[0] && y === s[1]) || (x === s[2] && y === s[3])) return
    const list = cuts.get(i)
    if (list) list.push(x, y)
    else cuts.set(i, [x, y])
  }
  for (let i = 0; i < segs.length; i++) {
    const a = segs[i]
    for (const j of index.search(Math.min(a[0], a[2]), Math.min(a[1], a[3]), Math.max(a[0], a[2]), Math.max(a[1], a[3]))) {
      if (j <= i) continue
      const b = segs[j]
      const o1 = orient(a[0], a[1], a[2], a[3], b[0], b[1])
      const o2 = orient(a[0], a[1], a[2], a[3], b[2], b[3])
      const o3 = orient(b[0], b[1], b[2], b[3], a[0], a[1])
      const o4 = orient(b[0], b[1], b[2], b[3], a[2], a[3])
      if (o1 * o2 < 0 && o3 * o4 < 0) {
        const ca = (b[2] - b[0]) * (a[1] - b[1]) - (b[3] - b[1]) * (a[0] - b[0])
        const cb = (b[2] - b[0]) * (a[3] - b[1]) - (b[3] - b[1]) * (a[2] - b[0])
        const t = ca / (ca - cb)
        const x = Math.round(a[0] + t * (a[2] - a[0])), y = Math.round(a[1] + t * (a[3] - a[1]))
        cut(i, x, y)
        cut(j, x, y)
        continue
      }
      if (o1 === 0 && strictlyInside(b[0], b[1], a)) cut(i, b[0], b[1])
      if (o2 === 0 && strictlyInside(b[2], b[3], a)) cut(i, b[2], b[3])
      if (o3 === 0 && strictlyInside(a[0], a[1], b)) cut(j, a[0], a[1])
      if (o4 === 0 && strictlyInside(a[2], a[3], b)) cut(j, a[2], a[3])
    }
  }
  if (cuts.size === 0) return null
  const out: Segment[] = []
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i]
    const list = cuts.get(i)
    if (!list) { out.push(s); continue }
    const dx = s[2] - s[0], dy = s[3] - s[1]
    const pts: [number, number, number][] = [[s[0], s[1], -Infinity], [s[2], s[3], Infinity]]
    for (let k = 0; k < list.length; k += 2) pts.push([list[k], list[k + 1], (list[k] - s[0]) * dx + (list[k + 1] - s[1]) * dy])
    pts.sort((p, q) => p[2] - q[2] || p[0] - q[0] || p[1] - q[1])
    for (let k = 1; k < pts.length; k++) {
      const p = pts[k - 1], q = pts[k]
      if (p[0] !== q[0] || p[1] !== q[1]) out.push([p[0], p[1], q[0], q[1], s[4]])
    }
  }
  return dedupe(out)
}

/** Drops repeated segments regardless of direction; the first seen wins, so the result is deterministic. */
function dedupe(segs: Segment[]): Segment[] {
  const seen = new Set<string>()
  const out: Segment[] = []
  for (const s of segs) {
    const forward = s[0] < s[2] || (s[0] === s[2] && s[1] < s[3])
    const key = forward ? `${s[0]},${s[1]},${s[2]},${s[3]}` : `${s[2]},${s[3]},${s[0]},${s[1]}`
    if (seen.has(key)) continue
    seen.add(key)
    out.push(s)
  }
  return out
}
