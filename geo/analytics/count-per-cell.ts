/**
 * Incidents per cell, one lookup per point: the per-incident loop (a grid index's point-in-polygon, or H3's
 * latLngToCell) that the SQL aggregation replaces, kept as the reference it is checked and benchmarked against.
 * Points interleaved lon, lat; points in no cell are left out.
 */
export function countPerCell(lonLat: ArrayLike<number>, cellOf: (lon: number, lat: number) => string | null): Map<string, number> {
  const counts = new Map<string, number>()
  for (let i = 0; i < lonLat.length; i += 2) {
    const cell = cellOf(lonLat[i], lonLat[i + 1])
    if (cell !== null) counts.set(cell, (counts.get(cell) ?? 0) + 1)
  }
  return counts
}
