export type ConfidenceLevel = 99 | 95 | 90
/** e.g. `hot-99`, `cold-90`, `increase-95`; `not-significant` when p > 0.10. */
export type ConfidenceClass<Up extends string, Down extends string> = `${Up | Down}-${ConfidenceLevel}` | 'not-significant'

/** The familiar confidence bins of hot-spot maps: p ≤ 0.01 → 99 %, ≤ 0.05 → 95 %, ≤ 0.10 → 90 %. */
export function confidenceClass<Up extends string, Down extends string>(
  direction: number,
  p: number,
  labels: { up: Up; down: Down },
): ConfidenceClass<Up, Down> {
  const level: ConfidenceLevel | null = p <= 0.01 ? 99 : p <= 0.05 ? 95 : p <= 0.1 ? 90 : null
  if (level === null || direction === 0 || Number.isNaN(direction)) return 'not-significant'
  return `${direction > 0 ? labels.up : labels.down}-${level}`
}
