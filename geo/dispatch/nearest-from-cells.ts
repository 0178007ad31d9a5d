/** A row of a nearest-neighbour walk over an index of snapped points, in the order the walk returned them. */
export interface CellCandidate {
  /** Distance from the query point to the row's snapped point (what the index ordered by), in degrees. */
  cellDeg: number
  /** Distance from the query point to the row's exact point, in degrees. */
  deg: number
}

/**
 * The `limit` rows nearest by exact distance, from the first `fetched` rows of a walk in snapped-point order, or
 * null when those rows cannot prove it and the walk must go further.
 *
 * A point lies within `slackDeg` of its snapped point, so a row the walk has not reached is at least the last
 * reached row's snapped distance less the slack away. The answer is certain when the walk ran out of rows, or
 * when the limit-th nearest row found is no farther than that bound.
 */
export function nearestFromCells<T extends CellCandidate>(rows: readonly T[], limit: number, fetched: number, slackDeg: number): T[] | null {
  const byExact = rows.slice().sort((a, b) => a.deg - b.deg)
  const nearest = byExact.slice(0, limit)
  if (rows.length < fetched) return nearest
  const unseenAtLeast = rows[rows.length - 1].cellDeg - slackDeg
  return nearest.length === limit && nearest[limit - 1].deg <= unseenAtLeast ? nearest : null
}
