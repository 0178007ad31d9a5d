import { expect, it } from 'vitest'
import { MAX_STEPS, playbackSteps } from './playback.ts'

it('cuts the window into consecutive days or hours, the last one clipped to the window', () => {
  const days = playbackSteps(new Date('2026-03-01T00:00:00Z'), new Date('2026-03-03T12:00:00Z'), 'day')
  expect(days.map((s) => [s.from.toISOString(), s.to.toISOString()])).toEqual([
    ['2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z'],
    ['2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z'],
    ['2026-03-03T00:00:00.000Z', '2026-03-03T12:00:00.000Z'],
  ])
  expect(playbackSteps(new Date('2026-03-01T00:00:00Z'), new Date('2026-03-02T00:00:00Z'), 'hour')).toHaveLength(24)
  expect(playbackSteps(new Date('2026-03-02T00:00:00Z'), new Date('2026-03-01T00:00:00Z'), 'day')).toEqual([])
})

it('refuses more steps than a slider can show', () => {
  expect(() => playbackSteps(new Date('2026-01-01T00:00:00Z'), new Date('2026-06-01T00:00:00Z'), 'hour')).toThrow(`${MAX_STEPS}`)
})
