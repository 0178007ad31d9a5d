/**
 * Orders points along a Hilbert curve over their bounding box, so consecutive serial numbers (and hence codes)
 * usually belong to neighbouring areas. Ties keep input order.
 */
export function hilbertOrder(points: readonly { x: number; y: number }[]): number[] {
  const bits = 16
  const side = 2 ** bits
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity
  for (const p of points) {
    minX = Math.min(minX, p.x); minY = Math.min(minY, p.y)
    maxX = Math.max(maxX, p.x); maxY = Math.max(maxY, p.y)
  }
  const span = Math.max(maxX - minX, maxY - minY) || 1
  const keys = points.map((p) =>
    hilbertIndex(Math.min(side - 1, Math.floor(((p.x - minX) / span) * side)), Math.min(side - 1, Math.floor(((p.y - minY) / span) * side)), side),
  )
  return points.map((_, i) => i).sort((a, b) => keys[a] - keys[b] || a - b)
}

/** The classic xy -> d conversion (Wikipedia, "Hilbert curve"). */
function hilbertIndex(x: number, y: number, side: number): number {
  let d = 0
  for (let s = side / 2; s >= 1; s /= 2) {
    const rx = (x & s) > 0 ? 1 : 0
    const ry = (y & s) > 0 ? 1 : 0
    d += s * s * ((3 * rx) ^ ry)
    if (ry === 0) {
      if (rx === 1) {
        x = side - 1 - x
        y = side - 1 - y
      }
      ;[x, y] = [y, x]
    }
  }
  return d
}
