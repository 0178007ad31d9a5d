import type { CellCollection, RasterLayer } from './analysis.worker.ts'

/** A cells layer as CSV: one row per cell, one column per property any cell has. */
export function cellsCsv(fc: CellCollection): string[] {
  const keys = [...new Set(fc.features.flatMap((f) => Object.keys(f.properties)))]
  const cell = (v: unknown) => (v === null || v === undefined ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v))
  return [keys.join(','), ...fc.features.map((f) => keys.map((k) => cell(f.properties[k])).join(','))]
}

/** A density surface as CSV: the non-empty raster cells with their centres (rows counted from the north). */
export function rasterCsv(r: RasterLayer): string[] {
  const lines = ['row,col,lon,lat,perKm2']
  const dLon = (r.east - r.west) / r.cols, dLat = (r.north - r.south) / r.rows
  r.values.forEach((v, i) => {
    if (v > 0) lines.push(`${Math.floor(i / r.cols)},${i % r.cols},${(r.west + ((i % r.cols) + 0.5) * dLon).toFixed(6)},${(r.north - (Math.floor(i / r.cols) + 0.5) * dLat).toFixed(6)},${v}`)
  })
  return lines
}
