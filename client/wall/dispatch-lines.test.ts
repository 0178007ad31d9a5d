import { describe, expect, it } from 'vitest'
import { DispatchLines, etaMinutes, minutesUntil, STRAIGHT_LINE_SPEED_MPS, straightMetres } from './dispatch-lines.ts'
import type { WallIncident } from './incident-store.ts'

const inc = (id: number, state: string, assignedUnitId: string | null, expectedArrivalAtMs: number | null = null): WallIncident => ({
  id, lon: 121.5, lat: 31.2, priority: 2, state, categoryCode: null, reportedAtMs: 0, filedAtMs: null, dispatchedAtMs: null,
  deadlineAtMs: null, gridCode: null, assignedUnitId, expectedArrivalAtMs, description: null, address: null, arrivedAt: null,
})
const NOW = 1_000_000

describe('DispatchLines', () => {
  it('joins each dispatched case to its unit where the unit is drawn, with a straight-line ETA', () => {
    const at = new Map<string, [number, number]>([['u1', [121.5, 31.21]], ['u2', [121.6, 31.2]]])
    const lines = new DispatchLines()
    const cases = [inc(1, 'dispatched', 'u1'), inc(2, 'filed', 'u2'), inc(3, 'dispatched', 'gone'), inc(4, 'handled', 'u2')]
    expect(lines.update(cases, (id) => at.get(id) ?? null, NOW)).toBe(true)
    expect(lines.links.map((l) => l.incidentId)).toEqual([1])
    const metres = lines.links[0].metres
    expect(metres).toBeCloseTo(1113, -1)
    expect(lines.links[0]).toMatchObject({ basis: 'straight', etaMinutes: Math.ceil(metres / STRAIGHT_LINE_SPEED_MPS / 60) })
    expect([...lines.data.attributes.getSourcePosition.value]).toEqual([121.5, 31.21])
    expect([...lines.data.attributes.getTargetPosition.value]).toEqual([121.5, 31.2])
  })

  it('reports movement only when a unit moved, and bumps the label version only when an ETA changes', () => {
    const at = new Map<string, [number, number]>([['u1', [121.5, 31.21]]])
    const lines = new DispatchLines()
    const cases = [inc(1, 'dispatched', 'u1')]
    lines.update(cases, (id) => at.get(id) ?? null, NOW)
    const v = lines.labelsVersion
    const data = lines.data
    expect(lines.update(cases, (id) => at.get(id) ?? null, NOW)).toBe(false)
    expect(lines.data).toBe(data)
    at.set('u1', [121.5, 31.2099])
    expect(lines.update(cases, (id) => at.get(id) ?? null, NOW)).toBe(true)
    expect(lines.labelsVersion).toBe(v)
    at.set('u1', [121.5, 31.25])
    lines.update(cases, (id) => at.get(id) ?? null, NOW)
    expect(lines.labelsVersion).toBe(v + 1)
  })

  it('counts down to the expected arrival by road, wherever the unit is drawn, and to zero once it is due', () => {
    const at = new Map<string, [number, number]>([['u1', [121.9, 31.9]]])
    const lines = new DispatchLines()
    const cases = [inc(1, 'dispatched', 'u1', NOW + 4.2 * 60_000)]
    lines.update(cases, (id) => at.get(id) ?? null, NOW)
    expect(lines.links[0]).toMatchObject({ basis: 'road', etaMinutes: 5 })
    const v = lines.labelsVersion
    lines.update(cases, (id) => at.get(id) ?? null, NOW + 60_000)
    expect(lines.links[0].etaMinutes).toBe(4)
    expect(lines.labelsVersion).toBe(v + 1)
    lines.update(cases, (id) => at.get(id) ?? null, NOW + 10 * 60_000)
    expect(lines.links[0].etaMinutes).toBe(0)
    expect(minutesUntil(NOW, NOW)).toBe(0)
  })

  it('estimates at least a minute, rounding up', () => {
    expect(etaMinutes(0)).toBe(1)
    expect(etaMinutes(STRAIGHT_LINE_SPEED_MPS * 61)).toBe(2)
    expect(straightMetres([0, 0], [0, 1])).toBeCloseTo(111_320, 0)
  })
})
