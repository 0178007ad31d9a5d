import { describe, expect, it } from 'vitest'
import { canMoveUnit, responseTimers, UNIT_STATUSES } from './unit-status.ts'

const ALLOWED = new Set([
  'available>dispatched', 'available>out_of_service',
  'dispatched>en_route', 'dispatched>available',
  'en_route>on_scene', 'en_route>available',
  'on_scene>cleared',
  'cleared>available', 'cleared>out_of_service',
  'out_of_service>available',
])

describe('unit status model', () => {
  it.each(UNIT_STATUSES.flatMap((from) => UNIT_STATUSES.map((to) => [from, to] as const)))('%s -> %s', (from, to) => {
    expect(canMoveUnit(from, to)).toBe(ALLOWED.has(`${from}>${to}`))
  })
})

describe('response timers', () => {
  const t = (m: number) => new Date(Date.parse('2026-11-23T08:00:00Z') + m * 1000)

  it('measures processing, turnout, travel and total in seconds', () => {
    expect(responseTimers({ reportedAt: t(0), assignedAt: t(90), enRouteAt: t(150), onSceneAt: t(600) })).toEqual({
      processingS: 90, turnoutS: 60, travelS: 450, totalS: 600,
    })
  })

  it('leaves intervals that have not ended open', () => {
    expect(responseTimers({ reportedAt: t(0), assignedAt: t(90), enRouteAt: null, onSceneAt: null })).toEqual({
      processingS: 90, turnoutS: null, travelS: null, totalS: null,
    })
    expect(responseTimers({ reportedAt: t(0), assignedAt: t(90), enRouteAt: null, onSceneAt: t(300) })).toMatchObject({ travelS: null, totalS: 300 })
  })
})
