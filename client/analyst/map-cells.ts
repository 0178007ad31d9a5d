import type { CellCollection } from './analysis.worker.ts'

/**
 * What the map needs of a cells layer: the outline, the cell's code (to look up everything else when clicked) and
 * the properties the colours are taken from. Everything else stays in the worker, so the page's thread neither
 * copies nor hands MapLibre the full table.
 */
export function mapCells(fc: CellCollection, colourProperties: readonly string[]): GeoJSON.FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: fc.features.map((f) => {
      const properties: Record<string, unknown> = { cell: f.properties.cell }
      for (const k of colourProperties) if (f.properties[k] !== undefined) properties[k] = f.properties[k]
      return { type: 'Feature', geometry: f.geometry as GeoJSON.Geometry, properties }
    }),
  }
}

/** West, south, east, north of the cells' outer rings; null without cells. */
export function cellBounds(fc: CellCollection): [number, number, number, number] | null {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity
  for (const f of fc.features) {
    const g = f.geometry as GeoJSON.Polygon | GeoJSON.MultiPolygon
    const rings = g.type === 'Polygon' ? [g.coordinates[0]] : g.coordinates.map((p) => p[0])
    for (const ring of rings) {
      for (const [x, y] of ring) {
        if (x < w) w = x
        if (x > e) e = x
        if (y < s) s = y
        if (y > n) n = y
      }
    }
  }
  return w <= e ? [w, s, e, n] : null
}
