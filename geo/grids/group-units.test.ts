import { describe, expect, it } from 'vitest'
import { createRng } from '../random.ts'
import { coarsen, groupUnits, type GroupingRules, type GroupUnit } from './group-units.ts'

const SIDE_KM = 0.1

/** n x n square cells of 0.01 km2, 4-connected; households per cell from a seeded generator. */
function cells(n: number, households: (i: number, j: number) => number): GroupUnit[] {
  const id = (i: number, j: number) => j * n + i
  const units: GroupUnit[] = []
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const neighbours = new Map<number, number>()
      for (const [di, dj] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
        const a = i + di, b = j + dj
        if (a >= 0 && b >= 0 && a < n && b < n) neighbours.set(id(a, b), SIDE_KM)
      }
      units.push({ households: households(i, j), areaKm2: SIDE_KM ** 2, perimeterKm: 4 * SIDE_KM, x: (i + 0.5) * SIDE_KM, y: (j + 0.5) * SIDE_KM, neighbours })
    }
  }
  return units
}

const GRID_RULES: GroupingRules = {
  households: { min: 300, target: 400, max: 500 },
  areaKm2: { min: 0.1, target: 0.25, max: 0.3 },
}

function expectPartition(units: readonly GroupUnit[], groups: number[][]) {
  expect(groups.flat().sort((a, b) => a - b)).toEqual(units.map((_, i) => i))
}

function expectContiguous(units: readonly GroupUnit[], groups: number[][]) {
  for (const g of groups) {
    const inGroup = new Set(g)
    const seen = new Set([g[0]])
    const stack = [g[0]]
    while (stack.length > 0) {
      for (const j of units[stack.pop()!].neighbours.keys()) {
        if (inGroup.has(j) && !seen.has(j)) {
          seen.add(j)
          stack.push(j)
        }
      }
    }
    expect(seen.size).toBe(g.length)
  }
}

const total = (units: readonly GroupUnit[], g: number[], key: 'households' | 'areaKm2') => g.reduce((s, i) => s + units[i][key], 0)

describe('groupUnits', () => {
  const rng = createRng(7, 'group-units')
  const dense = cells(20, () => 20 + Math.floor(rng() * 40))

  it('groups dense cells into contiguous groups within the household limits', () => {
    const groups = groupUnits(dense, GRID_RULES)
    expectPartition(dense, groups)
    expectContiguous(dense, groups)
    for (const g of groups) {
      expect(total(dense, g, 'households')).toBeLessThanOrEqual(500)
      expect(total(dense, g, 'households') >= 300 || total(dense, g, 'areaKm2') >= 0.1).toBe(true)
    }
  })

  it('sizes groups by area where households are sparse', () => {
    const sparse = cells(20, (i) => (i < 10 ? 2 : 0))
    const groups = groupUnits(sparse, GRID_RULES)
    expectContiguous(sparse, groups)
    for (const g of groups) {
      expect(total(sparse, g, 'areaKm2')).toBeGreaterThanOrEqual(0.1 - 1e-9)
      expect(total(sparse, g, 'areaKm2')).toBeLessThanOrEqual(0.3 + 1e-9)
    }
  })

  it('prefers compact groups to strings of cells', () => {
    const groups = groupUnits(dense, GRID_RULES)
    for (const g of groups) {
      const xs = g.map((i) => dense[i].x), ys = g.map((i) => dense[i].y)
      const spanCells = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) / SIDE_KM + 1
      expect(spanCells).toBeLessThanOrEqual(Math.ceil(Math.sqrt(g.length)) + 3)
    }
  })

  it('lets a large empty unit stand alone and folds a small empty one into a neighbour', () => {
    const units = cells(10, () => 40)
    units[0] = { ...units[0], households: 0, areaKm2: 0.5 }
    units[55] = { ...units[55], households: 0 }
    const groups = groupUnits(units, GRID_RULES)
    expect(groups).toContainEqual([0])
    expect(groups.find((g) => g.includes(55))!.length).toBeGreaterThan(1)
  })

  it('groups by unit count for the upper levels', () => {
    const units = cells(12, () => 400)
    const groups = groupUnits(units, { units: { min: 6, target: 10, max: 15 } })
    expectPartition(units, groups)
    expectContiguous(units, groups)
    for (const g of groups) {
      expect(g.length).toBeGreaterThanOrEqual(6)
      expect(g.length).toBeLessThanOrEqual(15)
    }
  })

  it('gives the same groups for the same input', () => {
    expect(groupUnits(dense, GRID_RULES)).toEqual(groupUnits(cells(20, (i, j) => dense[j * 20 + i].households), GRID_RULES))
  })
})

describe('coarsen', () => {
  it('adds up sizes, drops the shared boundary from the perimeter and sums boundaries between groups', () => {
    const units = cells(2, () => 10)
    const [left, right] = coarsen(units, [[0, 2], [1, 3]])
    expect(left.households).toBe(20)
    expect(left.areaKm2).toBeCloseTo(0.02)
    expect(left.perimeterKm).toBeCloseTo(0.6)
    expect(left.neighbours.get(1)).toBeCloseTo(0.2)
    expect(right.x).toBeCloseTo(0.15)
  })
})
