/**
 * Colours of the analyst layers. Hot and cold classes use the diverging red-blue ramp hot-spot maps are known
 * by (ArcGIS's Hot Spot Analysis renderer); counts a sequential yellow-red ramp on quantile breaks.
 */
export const CLASS_COLOURS: Record<string, string> = {
  'hot-99': '#d62f27',
  'hot-95': '#ed7551',
  'hot-90': '#fab984',
  'not-significant': '#f7f7f7',
  'cold-90': '#c0ccbe',
  'cold-95': '#849eba',
  'cold-99': '#4575b5',
  'increase-99': '#d62f27',
  'increase-95': '#ed7551',
  'increase-90': '#fab984',
  'decrease-90': '#c0ccbe',
  'decrease-95': '#849eba',
  'decrease-99': '#4575b5',
}
export const HOTSPOT_CLASSES = ['hot-99', 'hot-95', 'hot-90', 'not-significant', 'cold-90', 'cold-95', 'cold-99'] as const
export const CHANGE_CLASSES = ['increase-99', 'increase-95', 'increase-90', 'not-significant', 'decrease-90', 'decrease-95', 'decrease-99'] as const
export const SEQUENTIAL = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026']

const rgbOf = (hex: string): number[] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16))

/** `#rrggbb` with an opacity, as `rgba(…)`. */
export function withAlpha(hex: string, alpha: number): string {
  return `rgba(${rgbOf(hex).join(',')},${alpha})`
}

/** Upper bounds of five quantile classes of the values (equal counts per class), ascending and distinct. */
export function quantileBreaks(values: readonly number[], classes = SEQUENTIAL.length): number[] {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (sorted.length === 0) return []
  const breaks: number[] = []
  for (let k = 1; k <= classes; k++) {
    const v = sorted[Math.min(sorted.length - 1, Math.ceil((k * sorted.length) / classes) - 1)]
    if (breaks.length === 0 || v > breaks[breaks.length - 1]) breaks.push(v)
  }
  return breaks
}

/** RGBA pixels of a density raster: transparent at 0, then the sequential ramp up to the maximum. */
export function densityPixels(values: ArrayLike<number>, max: number): Uint8ClampedArray {
  const rgb = SEQUENTIAL.map(rgbOf)
  const out = new Uint8ClampedArray(values.length * 4)
  for (let i = 0; i < values.length; i++) {
    const v = max > 0 ? values[i] / max : 0
    if (v <= 0.02) continue
    const x = Math.min(0.9999, v) * (rgb.length - 1)
    const k = Math.floor(x), f = x - k
    for (let c = 0; c < 3; c++) out[4 * i + c] = rgb[k][c] + f * (rgb[k + 1][c] - rgb[k][c])
    out[4 * i + 3] = 90 + 150 * Math.min(1, v)
  }
  return out
}
