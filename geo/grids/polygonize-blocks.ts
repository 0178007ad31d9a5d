import Flatbush from 'flatbush'
import { metresPerDegree } from './metres-per-degree.ts'
import { fromE7, E7, type Segment } from './node-lines.ts'

/**
 * City blocks as the faces of the noded line work, kept as a half-edge structure rather than as loose polygons:
 * neighbouring blocks then share their edges by identity, so adjacency, shared boundary lengths and exact unions
 * of any set of blocks (face-union.ts) come from the topology instead of floating-point overlay.
 *
 * Half-edge h runs from origin[h] to origin[h ^ 1]; the face on its left is faceOf[h] (-1 outside the frame).
 */
export interface BlockPartition {
  /** Vertex coordinates in E7 integers (1e-7 degree). */
  vx: Float64Array
  vy: Float64Array
  origin: Int32Array
  /** The next half-edge around the face on the left. */
  next: Int32Array
  /** Outgoing half-edges of vertex v, counter-clockwise: outList[outStart[v] .. outStart[v + 1]). */
  outStart: Int32Array
  outList: Int32Array
  /** Index of h inside its origin's outList slice. */
  outPos: Int32Array
  faceOf: Int32Array
  /** Per edge (h >> 1): index of the input line it came from, -1 for the frame. */
  source: Int32Array
  blocks: Block[]
}

export interface Block {
  id: number
  /** One half-edge on each boundary ring, shell first. */
  ringStarts: number[]
  areaM2: number
  /** Length of the boundary, in metres. */
  perimeterM: number
  centroid: [lon: number, lat: number]
  /** Neighbouring block id -> length of the shared boundary in metres. */
  neighbours: Map<number, number>
  /** Bounding box in E7: [minX, minY, maxX, maxY]. */
  bbox: [number, number, number, number]
}

export function polygonizeBlocks(segments: readonly Segment[]): BlockPartition {
  let segs = pruneDangles(segments)
  for (;;) {
    const g = buildHalfEdges(segs)
    const ringOf = walkRings(g.next)
    // An edge with the same ring on both sides bounds no area (a bridge between two loops); like GEOS's
    // polygonizer, leave it out of the faces.
    const kept = segs.filter((_, e) => ringOf[2 * e] !== ringOf[2 * e + 1])
    if (kept.length === segs.length) return { ...assembleBlocks(g, ringOf), source: Int32Array.from(segs, (s) => s[4]) }
    segs = pruneDangles(kept)
  }
}

/** Repeatedly drops edges with a free end (dead-end streets), which cannot bound a block. */
function pruneDangles(segments: readonly Segment[]): Segment[] {
  const keys = vertexKeys(segments)
  const degree = new Map<number, number>()
  const incident = new Map<number, number[]>()
  segments.forEach((_, e) => {
    for (const k of [keys[2 * e], keys[2 * e + 1]]) {
      degree.set(k, (degree.get(k) ?? 0) + 1)
      const list = incident.get(k)
      if (list) list.push(e)
      else incident.set(k, [e])
    }
  })
  const removed = new Uint8Array(segments.length)
  const queue = [...degree].filter(([, d]) => d === 1).map(([k]) => k)
  while (queue.length > 0) {
    const k = queue.pop()!
    for (const e of incident.get(k)!) {
      if (removed[e]) continue
      removed[e] = 1
      for (const end of [keys[2 * e], keys[2 * e + 1]]) {
        const d = degree.get(end)! - 1
        degree.set(end, d)
        if (d === 1) queue.push(end)
      }
    }
  }
  return segments.filter((_, e) => !removed[e])
}

/** A numeric key per vertex: two 26-bit offsets, enough for a region ~6 degrees across. */
function vertexKeys(segments: readonly Segment[]): Float64Array {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity
  for (const s of segments) {
    minX = Math.min(minX, s[0], s[2]); minY = Math.min(minY, s[1], s[3])
    maxX = Math.max(maxX, s[0], s[2]); maxY = Math.max(maxY, s[1], s[3])
  }
  const span = 2 ** 26
  if (maxX - minX >= span || maxY - minY >= span) throw new Error('line work spans more than ~6 degrees')
  const keys = new Float64Array(segments.length * 2)
  segments.forEach((s, e) => {
    keys[2 * e] = (s[0] - minX) * span + (s[1] - minY)
    keys[2 * e + 1] = (s[2] - minX) * span + (s[3] - minY)
  })
  return keys
}

type HalfEdges = Omit<BlockPartition, 'faceOf' | 'source' | 'blocks'>

function buildHalfEdges(segments: readonly Segment[]): HalfEdges {
  const keys = vertexKeys(segments)
  const ids = new Map<number, number>()
  const vxs: number[] = [], vys: number[] = []
  const origin = new Int32Array(segments.length * 2)
  segments.forEach((s, e) => {
    for (let end = 0; end < 2; end++) {
      const k = keys[2 * e + end]
      let v = ids.get(k)
      if (v === undefined) {
        v = vxs.length
        ids.set(k, v)
        vxs.push(s[2 * end])
        vys.push(s[2 * end + 1])
      }
      origin[2 * e + end] = v
    }
  })
  const vx = Float64Array.from(vxs), vy = Float64Array.from(vys)
  const n = vx.length
  const outStart = new Int32Array(n + 1)
  for (let h = 0; h < origin.length; h++) outStart[origin[h] + 1]++
  for (let v = 0; v < n; v++) outStart[v + 1] += outStart[v]
  const fill = outStart.slice(0, n)
  const outList = new Int32Array(origin.length)
  for (let h = 0; h < origin.length; h++) outList[fill[origin[h]]++] = h
  const dir = (h: number): [number, number] => [vx[origin[h ^ 1]] - vx[origin[h]], vy[origin[h ^ 1]] - vy[origin[h]]]
  const outPos = new Int32Array(origin.length)
  for (let v = 0; v < n; v++) {
    const slice = Array.from(outList.subarray(outStart[v], outStart[v + 1]))
    slice.sort((a, b) => compareAngle(dir(a), dir(b)))
    slice.forEach((h, i) => {
      outList[outStart[v] + i] = h
      outPos[h] = i
    })
  }
  // Walking with the face on the left, the boundary continues along the first edge clockwise from the way back.
  const next = new Int32Array(origin.length)
  for (let h = 0; h < origin.length; h++) {
    const t = h ^ 1
    const v = origin[t]
    const m = outStart[v + 1] - outStart[v]
    next[h] = outList[outStart[v] + ((outPos[t] - 1 + m) % m)]
  }
  return { vx, vy, origin, next, outStart, outList, outPos }
}

/** Counter-clockwise from east, exact on E7 integers. */
function compareAngle(a: [number, number], b: [number, number]): number {
  const ha = a[1] > 0 || (a[1] === 0 && a[0] > 0) ? 0 : 1
  const hb = b[1] > 0 || (b[1] === 0 && b[0] > 0) ? 0 : 1
  if (ha !== hb) return ha - hb
  return -Math.sign(a[0] * b[1] - a[1] * b[0])
}

function walkRings(next: Int32Array): Int32Array {
  const ringOf = new Int32Array(next.length).fill(-1)
  let ring = 0
  for (let h = 0; h < next.length; h++) {
    if (ringOf[h] !== -1) continue
    for (let cur = h; ringOf[cur] === -1; cur = next[cur]) ringOf[cur] = ring
    ring++
  }
  return ringOf
}

interface Ring {
  start: number
  /** Twice the signed area in E7 units squared; positive for counter-clockwise. */
  area2: number
  bbox: [number, number, number, number]
  component: number
}

function assembleBlocks(g: HalfEdges, ringOf: Int32Array): Omit<BlockPartition, 'source'> {
  const { vx, vy, origin, next } = g
  const component = components(g)
  const rings: Ring[] = []
  for (let h = 0; h < next.length; h++) {
    if (ringOf[h] !== rings.length) continue
    const ax = vx[origin[h]], ay = vy[origin[h]]
    let area2 = 0
    const bbox: Ring['bbox'] = [ax, ay, ax, ay]
    let cur = h
    do {
      const x = vx[origin[cur]], y = vy[origin[cur]]
      const nx = vx[origin[cur ^ 1]], ny = vy[origin[cur ^ 1]]
      area2 += (x - ax) * (ny - ay) - (nx - ax) * (y - ay)
      bbox[0] = Math.min(bbox[0], x); bbox[1] = Math.min(bbox[1], y)
      bbox[2] = Math.max(bbox[2], x); bbox[3] = Math.max(bbox[3], y)
      cur = next[cur]
    } while (cur !== h)
    rings.push({ start: h, area2, bbox, component: component[origin[h]] })
  }

  // Each counter-clockwise ring is the shell of one block; each clockwise ring is the outline of a connected
  // piece of line work and becomes a hole of the smallest block around it (or the outside of the frame).
  const shells: Ring[] = []
  const faceOfRing = new Int32Array(rings.length).fill(-1)
  rings.forEach((r, i) => {
    if (r.area2 > 0) faceOfRing[i] = shells.push(r) - 1
  })
  if (shells.length === 0) throw new Error('the line work encloses no area')
  const index = new Flatbush(shells.length)
  for (const r of shells) index.add(...r.bbox)
  index.finish()
  const holesOf: number[][] = shells.map(() => [])
  rings.forEach((r, i) => {
    if (r.area2 > 0) return
    const h = r.start
    const px = (vx[origin[h]] + vx[origin[h ^ 1]]) / 2, py = (vy[origin[h]] + vy[origin[h ^ 1]]) / 2
    let best = -1
    for (const f of index.search(px, py, px, py)) {
      const s = shells[f]
      if (s.component === r.component) continue
      if ((best === -1 || s.area2 < shells[best].area2) && ringContains(g, s.start, px, py)) best = f
    }
    faceOfRing[i] = best
    if (best >= 0) holesOf[best].push(h)
  })

  const faceOf = new Int32Array(next.length)
  for (let h = 0; h < next.length; h++) faceOf[h] = faceOfRing[ringOf[h]]
  const blocks: Block[] = shells.map((r, f) => measureBlock(g, f, [r.start, ...holesOf[f]], r.bbox))
  for (let h = 0; h < next.length; h += 2) {
    const a = faceOf[h], b = faceOf[h + 1]
    if (a < 0 || b < 0) continue
    const len = edgeLengthM(g, h)
    blocks[a].neighbours.set(b, (blocks[a].neighbours.get(b) ?? 0) + len)
    blocks[b].neighbours.set(a, (blocks[b].neighbours.get(a) ?? 0) + len)
  }
  return { ...g, faceOf, blocks }
}

function components(g: HalfEdges): Int32Array {
  const parent = Int32Array.from({ length: g.vx.length }, (_, i) => i)
  const find = (v: number): number => {
    while (parent[v] !== v) v = parent[v] = parent[parent[v]]
    return v
  }
  for (let h = 0; h < g.origin.length; h += 2) parent[find(g.origin[h])] = find(g.origin[h + 1])
  return parent.map((_, v) => find(v))
}

/** Even-odd test against one ring walked through `next`. */
export function ringContains(g: Pick<BlockPartition, 'vx' | 'vy' | 'origin' | 'next'>, start: number, px: number, py: number): boolean {
  let inside = false
  let h = start
  do {
    const x1 = g.vx[g.origin[h]], y1 = g.vy[g.origin[h]]
    const x2 = g.vx[g.origin[h ^ 1]], y2 = g.vy[g.origin[h ^ 1]]
    if ((y1 > py) !== (y2 > py) && px < x1 + ((py - y1) * (x2 - x1)) / (y2 - y1)) inside = !inside
    h = g.next[h]
  } while (h !== start)
  return inside
}

export function edgeLengthM(g: Pick<BlockPartition, 'vx' | 'vy' | 'origin'>, h: number): number {
  const y1 = g.vy[g.origin[h]], y2 = g.vy[g.origin[h ^ 1]]
  const m = metresPerDegree(fromE7((y1 + y2) / 2))
  return Math.hypot(fromE7(g.vx[g.origin[h ^ 1]] - g.vx[g.origin[h]]) * m.lon, fromE7(y2 - y1) * m.lat)
}

function measureBlock(g: HalfEdges, id: number, ringStarts: number[], bbox: Block['bbox']): Block {
  const { vx, vy, origin, next } = g
  // Moments about one of the block's own vertices keep the products small, so big E7 values lose no precision.
  const ox = vx[origin[ringStarts[0]]], oy = vy[origin[ringStarts[0]]]
  let a2 = 0, cx = 0, cy = 0, perimeterM = 0
  for (const start of ringStarts) {
    let h = start
    do {
      const x1 = vx[origin[h]] - ox, y1 = vy[origin[h]] - oy
      const x2 = vx[origin[h ^ 1]] - ox, y2 = vy[origin[h ^ 1]] - oy
      const c = x1 * y2 - x2 * y1
      a2 += c
      cx += (x1 + x2) * c
      cy += (y1 + y2) * c
      perimeterM += edgeLengthM(g, h)
      h = next[h]
    } while (h !== start)
  }
  const lat = fromE7(oy + cy / (3 * a2))
  const m = metresPerDegree(lat)
  const areaM2 = ((a2 / 2) * m.lon * m.lat) / E7 ** 2
  return {
    id,
    ringStarts,
    areaM2,
    perimeterM,
    centroid: [fromE7(ox + cx / (3 * a2)), lat],
    neighbours: new Map(),
    bbox,
  }
}
