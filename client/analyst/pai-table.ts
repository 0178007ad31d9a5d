/**
 * The hot-spot evaluation panel: how well the map made on the view's window predicts the next window, per top k %
 * of area. The API computes; this only shapes its answer into table rows (see geo/analytics/hotspot-accuracy.ts).
 */
export interface PaiResponse {
  cells: string
  rank: 'density' | 'gistar'
  train: { from: string; to: string; total: number }
  test: { from: string; to: string; total: number }
  results: Array<{ k: number; cells: number; areaShare: number; captured: number; hitRate: number; pai: number }>
}

export const PAI_HEADERS = ['k', 'cells', 'areaShare', 'captured', 'hitRate', 'pai'] as const

/** One row per k: the area actually flagged (whole cells), the incidents captured of the test period's, and PAI. */
export function paiRows(res: PaiResponse): string[][] {
  return res.results.map((r) => [
    `${r.k}%`,
    String(r.cells),
    `${(100 * r.areaShare).toFixed(2)}%`,
    `${r.captured}/${res.test.total}`,
    `${(100 * r.hitRate).toFixed(1)}%`,
    r.pai.toFixed(2),
  ])
}

/** Percentages the API accepts (comma-separated, each in (0, 100]); null when the input is not that. */
export function parseKs(input: string): string | null {
  const parts = input.split(/[,\s，]+/).filter(Boolean)
  if (!parts.length || parts.length > 20) return null
  const ks = parts.map(Number)
  return ks.every((k) => Number.isFinite(k) && k > 0 && k <= 100 && /^\d+(\.\d+)?$/.test(String(k))) ? ks.join(',') : null
}
