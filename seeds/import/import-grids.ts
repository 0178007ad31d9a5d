import type { Db, Queryable } from '../../server/db/db.ts'
import type { AdminArea, AdminLevel } from '../../geo/grids/admin-area.ts'
import { parseFeatureCollection } from '../../geo/import/geojson-source.ts'
import { checkGridFeatures } from '../../geo/import/grid-features.ts'
import { assignGridCodes, regriddedCounts } from './assign-grid-codes.ts'
import { unreadable, type CheckedFile } from './checked-file.ts'
import { checkGridGeometry } from './grid-geometry.ts'
import { replaceAdminAreas } from './replace-admin-areas.ts'

const PLURAL: Readonly<Record<AdminLevel, string>> = { city: 'cities', street: 'streets', community: 'communities', grid: 'grids' }

/** A grids file replaces the whole hierarchy, so everything placed in a grid is placed again. */
export async function checkGridsFile(db: Db, text: string): Promise<CheckedFile> {
  const source = parseFeatureCollection(text)
  if (source.features.length === 0) return unreadable(source.issues)
  const planned = checkGridFeatures(source.features)
  const geometry = await checkGridGeometry(db, planned.areas)
  const areas = geometry.areas
  const counts: Record<string, number> = { features: source.features.length }
  for (const level of ['grid', 'community', 'street', 'city'] as const) {
    counts[PLURAL[level]] = areas.filter((a) => a.level === level).length
  }
  counts['drawn from their children'] = planned.areas.filter((a) => a.geometry === null).length
  return {
    counts,
    issues: [...source.issues, ...planned.issues, ...geometry.issues],
    write: (tx) => writeGrids(tx, areas),
  }
}

async function writeGrids(tx: Queryable, areas: readonly AdminArea[]): Promise<Record<string, number>> {
  const { grantsRemoved } = await replaceAdminAreas(tx, areas)
  return { 'user grants removed': grantsRemoved, ...regriddedCounts(await assignGridCodes(tx)) }
}
