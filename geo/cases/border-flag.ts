import type { MultiPolygon, Polygon } from 'geojson'
import { distanceToBoundaryM } from '../grid-index/distance-to-boundary.ts'

/**
 * The grid that contains a point decides who owns the case, but a report a few metres from a grid's edge may
 * well belong to the neighbour (GPS error, a kerb on the line): such cases are flagged for the operator to
 * confirm the owner. Grids tile inside communities and streets, so a grid's edge includes every jurisdiction
 * border near the point.
 */
export const DEFAULT_BORDER_FLAG_METRES = 30

export interface BorderFlag {
  flagged: boolean
  /** Metres to the nearest edge of the containing grid; null outside every grid. */
  distanceM: number | null
  reason: 'near_border' | 'outside_grids' | null
}

export function borderFlag(lon: number, lat: number, grid: Polygon | MultiPolygon | null, withinMetres = DEFAULT_BORDER_FLAG_METRES): BorderFlag {
  if (grid === null) return { flagged: true, distanceM: null, reason: 'outside_grids' }
  const distanceM = Math.round(distanceToBoundaryM(lon, lat, grid) * 10) / 10
  const flagged = distanceM <= withinMetres
  return { flagged, distanceM, reason: flagged ? 'near_border' : null }
}
