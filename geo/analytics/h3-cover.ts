import type { MultiPolygon, Polygon } from 'geojson'
import { polygonToCells } from 'h3-js'

/**
 * The H3 cells of one resolution whose centres lie in any of the polygons (H3's own containment rule), sorted:
 * the study area of an H3 map, so cells with no incidents count as zeros rather than vanish.
 */
export function h3Cover(polygons: ReadonlyArray<Polygon | MultiPolygon>, res: number): string[] {
  const cells = new Set<string>()
  for (const g of polygons) {
    const parts = g.type === 'Polygon' ? [g.coordinates] : g.coordinates
    for (const rings of parts) for (const c of polygonToCells(rings, res, true)) cells.add(c)
  }
  return [...cells].sort()
}
