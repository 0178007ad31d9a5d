/** Time playback: the view's window cut into consecutive hours or days, each drawn as its own sub-window. */
export type PlaybackUnit = 'hour' | 'day'
const UNIT_MS: Record<PlaybackUnit, number> = { hour: 3_600_000, day: 86_400_000 }
/** Beyond this many steps the slider stops being usable: ask for days instead of hours. */
export const MAX_STEPS = 2_500

/** Half-open sub-windows [from, to) covering the window; the last one ends at the window's end. */
export function playbackSteps(from: Date, to: Date, unit: PlaybackUnit): Array<{ from: Date; to: Date }> {
  const step = UNIT_MS[unit]
  const n = Math.ceil((to.getTime() - from.getTime()) / step)
  if (n > MAX_STEPS) throw new RangeError(`${n} steps: more than ${MAX_STEPS}`)
  return Array.from({ length: Math.max(0, n) }, (_, i) => ({
    from: new Date(from.getTime() + i * step),
    to: new Date(Math.min(to.getTime(), from.getTime() + (i + 1) * step)),
  }))
}
