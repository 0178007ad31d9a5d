export interface HotspotAccuracy {
  /** Requested share of the study area, percent. */
  k: number
  /** Cells flagged: the highest-scoring ones until their area reaches k % of the total. */
  cells: number
  /** Area actually flagged / total area (whole cells, so at least k %). */
  areaShare: number
  captured: number
  /** Share of the next period's incidents inside the flagged cells. */
  hitRate: number
  /** Predictive Accuracy Index (Chainey, Tompson & Uhlig 2008): hit rate / area share. 1 = no better than chance. */
  pai: number
}

/**
 * How well a hot-spot map made on one period predicts the next: cells ranked by `score` (higher = hotter, ties
 * by cell order), flagged until k % of the area is covered, and the next period's incidents counted in them.
 */
export function hotspotAccuracy(
  score: ArrayLike<number>,
  areaKm2: ArrayLike<number>,
  nextCounts: ArrayLike<number>,
  ks: readonly number[],
): HotspotAccuracy[] {
  const n = score.length
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b] - score[a] || a - b)
  let totalArea = 0, totalNext = 0
  for (let i = 0; i < n; i++) {
    totalArea += areaKm2[i]
    totalNext += nextCounts[i]
  }
  return ks.map((k) => {
    let area = 0, captured = 0, cells = 0
    while (cells < n && area < (k / 100) * totalArea) {
      area += areaKm2[order[cells]]
      captured += nextCounts[order[cells]]
      cells++
    }
    const areaShare = totalArea > 0 ? area / totalArea : 0
    const hitRate = totalNext > 0 ? captured / totalNext : 0
    return { k, cells, areaShare, captured, hitRate, pai: areaShare > 0 ? hitRate / areaShare : 0 }
  })
}
