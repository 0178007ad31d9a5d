import type { Queryable } from '../../server/db/db.ts'
import { bulkInsert, bulkInsertAll } from '../../server/db/bulk-insert.ts'
import type { AdminArea } from '../../geo/grids/admin-area.ts'

const ORG_KIND: Partial<Record<AdminArea['level'], string>> = {
  city: 'command_centre',
  street: 'street_office',
  community: 'community_committee',
}

/** Org code of the body answering for an area: one per street office and community committee. */
export const areaOrgCode = (areaCode: string) => `AREA-${areaCode}`

/**
 * Writes the area hierarchy (parents first, as buildDemoGrids and the importer hand it over) and the org that
 * answers for each area above grid level. The city's own org is the command centre loaded with the catalogue.
 */
export async function loadAdminAreas(q: Queryable, areas: readonly AdminArea[], cityOrgCode: string): Promise<number> {
  const orgs = areas.filter((a) => a.level !== 'city' && a.orgName && ORG_KIND[a.level])
  await bulkInsert(
    q,
    'org',
    [
      { name: 'code', type: 'text' },
      { name: 'kind', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'name_en', type: 'text' },
      { name: 'area_code', type: 'text' },
    ],
    orgs.map((a) => [areaOrgCode(a.code), ORG_KIND[a.level], a.orgName, a.orgNameEn, a.code]),
  )
  const orgOf = (a: AdminArea) => (a.level === 'city' ? cityOrgCode : a.orgName ? areaOrgCode(a.code) : null)
  return bulkInsertAll(
    q,
    'admin_area',
    [
      { name: 'code', type: 'text' },
      { name: 'level', type: 'text' },
      { name: 'parent_code', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'name_en', type: 'text' },
      { name: 'org_code', type: 'text' },
      { name: 'households', type: 'int4' },
      { name: 'population', type: 'int4' },
      { name: 'area_km2', type: 'float8' },
      { name: 'geom', type: 'text', expr: 'ST_SetSRID(ST_GeomFromGeoJSON(v), 4326)' },
    ],
    areas,
    (a) => [a.code, a.level, a.parentCode, a.name, a.nameEn, orgOf(a), a.households, a.population, a.areaKm2, JSON.stringify(a.geometry)],
    500,
  )
}
