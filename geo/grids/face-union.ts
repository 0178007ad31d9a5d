import type { MultiPolygon, Position } from 'geojson'
import { fromE7 } from './node-lines.ts'
import type { BlockPartition } from './polygonize-blocks.ts'

/**
 * The exact union of a set of blocks: its boundary is every half-edge with a member on its left and a non-member
 * on its right, so the result reuses the partition's vertices bit for bit. Sibling areas therefore share
 * identical boundaries, and a parent built from its children's blocks is exactly their union.
 */
export function unionFaces(p: BlockPartition, faces: Iterable<number>): MultiPolygon {
  const list = [...faces]
  const member = new Uint8Array(p.blocks.length)
  for (const f of list) member[f] = 1
  const isBoundary = (h: number) => {
    const a = p.faceOf[h], b = p.faceOf[h ^ 1]
    return a >= 0 && member[a] === 1 && (b < 0 || member[b] === 0)
  }
  // Around the end vertex, take the first boundary half-edge clockwise from the way back: the tightest turn,
  // so two parts meeting at a single vertex come out as separate rings instead of a figure eight.
  const nextBoundary = (h: number) => {
    const t = h ^ 1
    const v = p.origin[t]
    const start = p.outStart[v], m = p.outStart[v + 1] - start
    for (let step = 1; step <= m; step++) {
      const g = p.outList[start + ((p.outPos[t] - step + m) % m)]
      if (isBoundary(g)) return g
    }
    throw new Error('open boundary in face union')
  }

  const seen = new Set<number>()
  const shells: number[][] = []
  const holes: number[][] = []
  for (const f of list) {
    for (const start of p.blocks[f].ringStarts) {
      let h = start
      do {
        if (isBoundary(h) && !seen.has(h)) {
          const walk: number[] = []
          let cur = h
          do {
            seen.add(cur)
            walk.push(p.origin[cur])
            cur = nextBoundary(cur)
          } while (cur !== h)
          for (const ring of splitAtRepeatedVertices(walk)) (signedArea2(p, ring) > 0 ? shells : holes).push(ring)
        }
        h = p.next[h]
      } while (h !== start)
    }
  }
  return assemble(p, shells, holes)
}

/**
 * A walk that passes a vertex twice touches itself there, which OGC forbids within one ring; cutting it into
 * loops at the repeated vertex yields rings that only touch each other, which is valid.
 */
function splitAtRepeatedVertices(walk: number[]): number[][] {
  const loops: number[][] = []
  const stack: number[] = []
  const at = new Map<number, number>()
  for (const v of walk) {
    const i = at.get(v)
    if (i === undefined) {
      at.set(v, stack.length)
      stack.push(v)
      continue
    }
    const loop = stack.splice(i + 1)
    for (const u of loop) at.delete(u)
    loops.push([v, ...loop])
  }
  loops.push(stack)
  return loops
}

function signedArea2(p: BlockPartition, ring: number[]): number {
  const ox = p.vx[ring[0]], oy = p.vy[ring[0]]
  let a = 0
  for (let i = 0; i < ring.length; i++) {
    const u = ring[i], w = ring[(i + 1) % ring.length]
    a += (p.vx[u] - ox) * (p.vy[w] - oy) - (p.vx[w] - ox) * (p.vy[u] - oy)
  }
  return a
}

function contains(p: BlockPartition, ring: number[], px: number, py: number): boolean {
  let inside = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const x1 = p.vx[ring[j]], y1 = p.vy[ring[j]], x2 = p.vx[ring[i]], y2 = p.vy[ring[i]]
    if ((y1 > py) !== (y2 > py) && px < x1 + ((py - y1) * (x2 - x1)) / (y2 - y1)) inside = !inside
  }
  return inside
}

function assemble(p: BlockPartition, shells: number[][], holes: number[][]): MultiPolygon {
  const polygons = shells.map((s) => [s])
  const areas = shells.map((s) => signedArea2(p, s))
  for (const hole of holes) {
    // The midpoint of a hole edge lies on no other edge, so it is strictly inside the shells around the hole.
    const px = (p.vx[hole[0]] + p.vx[hole[1]]) / 2, py = (p.vy[hole[0]] + p.vy[hole[1]]) / 2
    let best = -1
    for (let s = 0; s < shells.length; s++) {
      if ((best === -1 || areas[s] < areas[best]) && (shells.length === 1 || contains(p, shells[s], px, py))) best = s
    }
    if (best === -1) throw new Error('hole outside every shell in face union')
    polygons[best].push(hole)
  }
  const toRing = (ring: number[]): Position[] => {
    const coords = ring.map((v): Position => [fromE7(p.vx[v]), fromE7(p.vy[v])])
    coords.push(coords[0])
    return coords
  }
  return { type: 'MultiPolygon', coordinates: polygons.map((rings) => rings.map(toRing)) }
}
