/**
 * Groups adjacent units into contiguous, compact groups of a target size: blocks into unit grids, grids into
 * communities, communities into streets. Region growing over the adjacency graph, small leftovers folded into
 * their neighbours, then ragged borders smoothed. Only index order and arithmetic decide ties, so the same input
 * always gives the same groups.
 */

export interface GroupUnit {
  households: number
  areaKm2: number
  perimeterKm: number
  /** Planar position of the unit's centroid in km (any local projection). */
  x: number
  y: number
  /** Neighbouring unit index -> length of the shared boundary in km. */
  neighbours: ReadonlyMap<number, number>
}

export interface SizeRule {
  /** A group stops growing once it reaches this. */
  target: number
  /** No unit is added that would take a group past this. */
  max: number
  /** A group below this on every rule is merged into a neighbour. */
  min: number
}

export interface GroupingRules {
  households?: SizeRule
  areaKm2?: SizeRule
  units?: SizeRule
}

type Dimension = keyof GroupingRules
const DIMENSIONS: readonly Dimension[] = ['households', 'areaKm2', 'units']
type Size = Record<Dimension, number>

export function groupUnits(units: readonly GroupUnit[], rules: GroupingRules): number[][] {
  const dims = DIMENSIONS.filter((d) => rules[d] !== undefined)
  if (dims.length === 0) throw new Error('grouping needs at least one size rule')
  const rule = (d: Dimension) => rules[d]!
  const full = (s: Size) => dims.some((d) => s[d] >= rule(d).target)
  const fits = (s: Size) => dims.every((d) => s[d] <= rule(d).max)
  const small = (s: Size) => dims.every((d) => s[d] < rule(d).min)
  /** How full a group is on its tightest rule; the merge step fills the emptiest neighbour first. */
  const load = (s: Size) => Math.max(...dims.map((d) => s[d] / rule(d).max))

  const groups = mergeSmall(units, grow(units, full, fits), small, fits, load)
  return smoothBoundaries(units, groups, small, fits)
}

const EMPTY: Size = { households: 0, areaKm2: 0, units: 0 }
const sizeOf = (u: GroupUnit): Size => ({ households: u.households, areaKm2: u.areaKm2, units: 1 })
const plus = (a: Size, b: Size): Size => ({
  households: a.households + b.households,
  areaKm2: a.areaKm2 + b.areaKm2,
  units: a.units + b.units,
})

function grow(units: readonly GroupUnit[], full: (s: Size) => boolean, fits: (s: Size) => boolean): number[][] {
  const groupOf = new Int32Array(units.length).fill(-1)
  // Boundary still shared with unassigned units. Seeding where it is smallest peels the city from the outside
  // and from already-made groups inward, so no unit is left stranded between groups.
  const freeKm = units.map((u) => sum(u.neighbours.values()))
  const groups: number[][] = []
  for (let remaining = units.length; remaining > 0; ) {
    let seed = -1
    let seedScore = Infinity
    for (let i = 0; i < units.length; i++) {
      if (groupOf[i] !== -1) continue
      const score = freeKm[i] / Math.max(units[i].perimeterKm, 1e-9)
      if (score < seedScore) { seed = i; seedScore = score }
    }
    const g = groups.length
    const members: number[] = []
    const frontier = new Map<number, number>()
    let size = EMPTY
    let cx = 0, cy = 0
    const add = (i: number) => {
      groupOf[i] = g
      members.push(i)
      frontier.delete(i)
      const u = units[i]
      const w = size.areaKm2 + u.areaKm2
      // Area-weighted centroid; a zero-area start falls back to the unit's own point.
      cx = w > 0 ? (cx * size.areaKm2 + u.x * u.areaKm2) / w : u.x
      cy = w > 0 ? (cy * size.areaKm2 + u.y * u.areaKm2) / w : u.y
      size = plus(size, sizeOf(u))
      for (const [j, len] of u.neighbours) {
        freeKm[j] -= len
        if (groupOf[j] === -1) frontier.set(j, (frontier.get(j) ?? 0) + len)
      }
      remaining--
    }
    add(seed)
    while (!full(size)) {
      let best = -1
      let bestScore = Infinity
      for (const [j, shared] of frontier) {
        const u = units[j]
        if (!fits(plus(size, sizeOf(u)))) continue
        // Near the centroid keeps the group round; a large share of the unit's boundary already touching the
        // group fills notches. Both are dimensionless so neither depends on the level's scale.
        const reach = Math.sqrt(size.areaKm2 + u.areaKm2) || 1e-9
        const score = Math.hypot(u.x - cx, u.y - cy) / reach - shared / Math.max(u.perimeterKm, 1e-9)
        if (score < bestScore || (score === bestScore && j < best)) { best = j; bestScore = score }
      }
      if (best === -1) break
      add(best)
    }
    groups.push(members)
  }
  return groups
}

function mergeSmall(
  units: readonly GroupUnit[],
  initial: number[][],
  small: (s: Size) => boolean,
  fits: (s: Size) => boolean,
  load: (s: Size) => number,
): number[][] {
  const groups: (number[] | null)[] = initial.map((g) => [...g])
  const groupOf = new Int32Array(units.length)
  groups.forEach((g, k) => g!.forEach((i) => (groupOf[i] = k)))
  const sizes = groups.map((g) => g!.reduce((s, i) => plus(s, sizeOf(units[i])), EMPTY))
  const move = (i: number, to: number) => {
    groups[to]!.push(i)
    groupOf[i] = to
    sizes[to] = plus(sizes[to], sizeOf(units[i]))
  }

  /** Whole into the neighbour that stays emptiest, if one stays within its limits (or must, if forced). */
  const mergeWhole = (k: number, forced: boolean): boolean => {
    const shared = new Map<number, number>()
    for (const i of groups[k]!) {
      for (const [j, len] of units[i].neighbours) {
        if (groupOf[j] !== k) shared.set(groupOf[j], (shared.get(groupOf[j]) ?? 0) + len)
      }
    }
    let best = -1, bestLoad = Infinity, bestLen = 0
    for (const [other, len] of [...shared].sort((a, b) => a[0] - b[0])) {
      const merged = plus(sizes[k], sizes[other])
      if (!forced && !fits(merged)) continue
      const l = load(merged)
      if (l < bestLoad || (l === bestLoad && len > bestLen)) { best = other; bestLoad = l; bestLen = len }
    }
    if (best === -1) return false
    for (const i of groups[k]!) move(i, best)
    groups[k] = null
    return true
  }

  /**
   * Unit by unit into whichever neighbour each touches most, as long as all of them find room: a leftover of
   * 150 households between full groups of 400 fits nowhere whole but easily in three pieces.
   */
  const dissolve = (k: number): boolean => {
    const target = new Map<number, number>()
    const added = new Map<number, Size>()
    let pending = groups[k]!
    while (pending.length > 0) {
      const still: number[] = []
      for (const i of pending) {
        const touching = new Map<number, number>()
        for (const [j, len] of units[i].neighbours) {
          const g = target.get(j) ?? groupOf[j]
          if (g !== k) touching.set(g, (touching.get(g) ?? 0) + len)
        }
        let best = -1, bestLen = 0
        for (const [g, len] of [...touching].sort((a, b) => a[0] - b[0])) {
          if (len > bestLen && fits(plus(plus(sizes[g], added.get(g) ?? EMPTY), sizeOf(units[i])))) { best = g; bestLen = len }
        }
        if (best === -1) still.push(i)
        else {
          target.set(i, best)
          added.set(best, plus(added.get(best) ?? EMPTY, sizeOf(units[i])))
        }
      }
      if (still.length === pending.length) return false
      pending = still
    }
    for (const [i, g] of target) move(i, g)
    groups[k] = null
    return true
  }

  const order = (a: number, b: number) => load(sizes[a]) - load(sizes[b]) || a - b
  for (let changed = true; changed; ) {
    changed = false
    const smallOnes = groups.flatMap((g, k) => (g && small(sizes[k]) ? [k] : [])).sort(order)
    for (const k of smallOnes) {
      if (!groups[k] || !small(sizes[k])) continue
      if (mergeWhole(k, false) || dissolve(k) || mergeWhole(k, true)) changed = true
    }
  }
  return groups.filter((g): g is number[] => g !== null).map((g) => g.sort((a, b) => a - b))
}

const MAX_SMOOTHING_PASSES = 20

/**
 * Region growing leaves ragged borders: a unit can end up sharing most of its boundary with the next group.
 * Moving such a unit across shortens the total border, which is what makes shapes compact, as long as both
 * groups stay within their limits and the one it leaves stays in one piece.
 */
function smoothBoundaries(
  units: readonly GroupUnit[],
  initial: number[][],
  small: (s: Size) => boolean,
  fits: (s: Size) => boolean,
): number[][] {
  const groupOf = new Int32Array(units.length)
  initial.forEach((g, k) => g.forEach((i) => (groupOf[i] = k)))
  const members = initial.map((g) => new Set(g))
  const sizes = initial.map((g) => g.reduce((s, i) => plus(s, sizeOf(units[i])), EMPTY))
  const minus = (a: Size, b: Size): Size => ({ households: a.households - b.households, areaKm2: a.areaKm2 - b.areaKm2, units: a.units - b.units })
  for (let pass = 0; pass < MAX_SMOOTHING_PASSES; pass++) {
    let moved = false
    for (let i = 0; i < units.length; i++) {
      const from = groupOf[i]
      if (members[from].size === 1) continue
      const touching = new Map<number, number>()
      for (const [j, len] of units[i].neighbours) touching.set(groupOf[j], (touching.get(groupOf[j]) ?? 0) + len)
      const own = touching.get(from) ?? 0
      let to = -1, best = own
      for (const [g, len] of [...touching].sort((a, b) => a[0] - b[0])) {
        if (g !== from && len > best && fits(plus(sizes[g], sizeOf(units[i])))) { to = g; best = len }
      }
      if (to === -1) continue
      const left = minus(sizes[from], sizeOf(units[i]))
      if ((small(left) && !small(sizes[from])) || !connectedWithout(units, members[from], i)) continue
      members[from].delete(i)
      members[to].add(i)
      sizes[from] = left
      sizes[to] = plus(sizes[to], sizeOf(units[i]))
      groupOf[i] = to
      moved = true
    }
    if (!moved) break
  }
  return members.map((m) => [...m].sort((a, b) => a - b))
}

function connectedWithout(units: readonly GroupUnit[], group: ReadonlySet<number>, removed: number): boolean {
  const start = [...group].find((i) => i !== removed)!
  const seen = new Set([start, removed])
  const stack = [start]
  while (stack.length > 0) {
    for (const j of units[stack.pop()!].neighbours.keys()) {
      if (group.has(j) && !seen.has(j)) {
        seen.add(j)
        stack.push(j)
      }
    }
  }
  return seen.size === group.size
}

function sum(values: Iterable<number>): number {
  let s = 0
  for (const v of values) s += v
  return s
}

/** The groups as units of the next level up: sizes add up, shared boundaries between groups are summed. */
export function coarsen(units: readonly GroupUnit[], groups: readonly (readonly number[])[]): GroupUnit[] {
  const groupOf = new Int32Array(units.length).fill(-1)
  groups.forEach((g, k) => g.forEach((i) => (groupOf[i] = k)))
  return groups.map((members, k) => {
    let households = 0, areaKm2 = 0, perimeterKm = 0, x = 0, y = 0
    const neighbours = new Map<number, number>()
    for (const i of members) {
      const u = units[i]
      households += u.households
      areaKm2 += u.areaKm2
      perimeterKm += u.perimeterKm
      x += u.x * u.areaKm2
      y += u.y * u.areaKm2
      for (const [j, len] of u.neighbours) {
        const other = groupOf[j]
        if (other === k) perimeterKm -= len
        else if (other !== -1) neighbours.set(other, (neighbours.get(other) ?? 0) + len)
      }
    }
    return { households, areaKm2, perimeterKm, x: x / areaKm2, y: y / areaKm2, neighbours }
  })
}
