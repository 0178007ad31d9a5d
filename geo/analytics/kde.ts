import { metresPerDegree } from '../grids/metres-per-degree.ts'

/** A density surface: `values` row by row from the north edge, west to east; incidents per km². */
export interface DensityRaster {
  west: number
  south: number
  east: number
  north: number
  cellM: number
  cols: number
  rows: number
  bandwidthM: number
  values: Float64Array
}

export interface KdeOptions {
  /** [west, south, east, north] of the surface. */
  bbox: readonly [number, number, number, number]
  cellM: number
  bandwidthM: number
}

/**
 * Kernel density with the quartic (biweight) kernel of Silverman (1986, eq. 4.5), the one ArcGIS Kernel Density
 * uses: each point of weight w adds w · 3/(π h²) · (1 − d²/h²)² at distance d < h from it, evaluated at every
 * cell centre. The kernel integrates to 1, so the surface integrates to Σw (up to the cell discretisation).
 * Points are interleaved lon, lat; `weights` (default 1) lets a caller pass points already binned with counts.
 */
export function kde(lonLat: ArrayLike<number>, weights: ArrayLike<number> | null, { bbox, cellM, bandwidthM: h }: KdeOptions): DensityRaster {
  const [west, south, east, north] = bbox
  const s = metresPerDegree((south + north) / 2)
  const cols = Math.max(1, Math.ceil(((east - west) * s.lon) / cellM - 1e-9))
  const rows = Math.max(1, Math.ceil(((north - south) * s.lat) / cellM - 1e-9))
  const values = new Float64Array(cols * rows)
  const norm = (3 / (Math.PI * h * h)) * 1e6
  const reach = Math.ceil(h / cellM)
  const n = lonLat.length / 2
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1
    // Position in cell units from the north-west corner; cell (c, r) has its centre at (c + ½, r + ½).
    const px = ((lonLat[2 * i] - west) * s.lon) / cellM
    const py = ((north - lonLat[2 * i + 1]) * s.lat) / cellM
    const c0 = Math.max(0, Math.floor(px) - reach), c1 = Math.min(cols - 1, Math.floor(px) + reach)
    const r0 = Math.max(0, Math.floor(py) - reach), r1 = Math.min(rows - 1, Math.floor(py) + reach)
    for (let r = r0; r <= r1; r++) {
      const dy = (r + 0.5 - py) * cellM
      for (let c = c0; c <= c1; c++) {
        const dx = (c + 0.5 - px) * cellM
        const u2 = (dx * dx + dy * dy) / (h * h)
        if (u2 < 1) values[r * cols + c] += w * norm * (1 - u2) * (1 - u2)
      }
    }
  }
  return {
    west, north, cellM, cols, rows, bandwidthM: h, values,
    east: west + (cols * cellM) / s.lon,
    south: north - (rows * cellM) / s.lat,
  }
}
