import { describe, expect, it } from 'vitest'
import { hilbertOrder } from './spatial-order.ts'

describe('hilbertOrder', () => {
  it('visits a lattice one step at a time', () => {
    const points = Array.from({ length: 64 }, (_, k) => ({ x: k % 8, y: Math.floor(k / 8) }))
    const order = hilbertOrder(points)
    expect([...order].sort((a, b) => a - b)).toEqual(points.map((_, i) => i))
    for (let k = 1; k < order.length; k++) {
      const a = points[order[k - 1]], b = points[order[k]]
      expect(Math.abs(a.x - b.x) + Math.abs(a.y - b.y)).toBe(1)
    }
  })
})
