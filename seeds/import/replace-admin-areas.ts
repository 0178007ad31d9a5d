import type { Queryable } from '../../server/db/db.ts'
import { bulkInsert } from '../../server/db/bulk-insert.ts'
import type { AdminArea } from '../../geo/grids/admin-area.ts'
import { areaOrgCode, loadAdminAreas } from '../load/load-admin-areas.ts'
import { COMMAND_CENTRE_ORG } from '../load/load-catalogue.ts'

/**
 * Swaps the whole area hierarchy for another inside the caller's transaction. Jurisdiction grants survive
 * where their area code still exists; the others are deleted and counted. The org of an area (street office,
 * community committee) that units, stations or cases still name is kept and renamed rather than dropped.
 */
export async function replaceAdminAreas(tx: Queryable, areas: readonly AdminArea[]): Promise<{ grantsRemoved: number }> {
  const grants = await tx.query<{ user_id: number; area_code: string }>('SELECT user_id, area_code FROM user_grant')
  await tx.query('DELETE FROM user_grant')
  const old = await tx.query<{ code: string }>('DELETE FROM admin_area RETURNING code')

  const orgCodes = [...new Set([...old.rows, ...areas].map((a) => areaOrgCode(a.code)))]
  const kept = await dropUnusedOrgs(tx, orgCodes)
  await ensureCommandCentre(tx, areas)
  await loadAdminAreas(
    tx,
    areas.map((a) => (kept.has(areaOrgCode(a.code)) ? { ...a, orgName: null, orgNameEn: null } : a)),
    COMMAND_CENTRE_ORG,
  )
  await adoptKeptOrgs(tx, areas.filter((a) => a.orgName && kept.has(areaOrgCode(a.code))))

  const restored = await bulkInsert(
    tx,
    'user_grant',
    [
      { name: 'user_id', type: 'int4' },
      { name: 'area_code', type: 'text' },
    ],
    grants.rows.map((g) => [g.user_id, g.area_code]),
    'WHERE u.c1 IN (SELECT code FROM admin_area)',
  )
  return { grantsRemoved: grants.rows.length - restored }
}

/**
 * Deletes the area orgs nothing refers to any more and returns the codes of those still referred to. The
 * referring columns come from the catalogue, so a future table that names an org is respected without an edit.
 */
async function dropUnusedOrgs(tx: Queryable, codes: readonly string[]): Promise<Set<string>> {
  const refs = await tx.query<{ tbl: string; col: string }>(
    `SELECT c.conrelid::regclass::text AS tbl, a.attname AS col
       FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      WHERE c.contype = 'f' AND c.confrelid = 'org'::regclass AND c.conrelid <> 'admin_area'::regclass`,
  )
  const unused = refs.rows.map((r) => `AND NOT EXISTS (SELECT 1 FROM ${r.tbl} WHERE ${r.col} = o.code)`).join(' ')
  await tx.query(`DELETE FROM org o WHERE o.code = ANY($1::text[]) ${unused}`, [codes])
  const left = await tx.query<{ code: string }>('SELECT code FROM org WHERE code = ANY($1::text[])', [codes])
  return new Set(left.rows.map((r) => r.code))
}

/** Every city answers to the command centre; a database without the demo catalogue gets one named by the file. */
async function ensureCommandCentre(tx: Queryable, areas: readonly AdminArea[]): Promise<void> {
  const city = areas.find((a) => a.level === 'city')
  if (!city) return
  await tx.query(
    `INSERT INTO org (code, kind, name, name_en) VALUES ($1, 'command_centre', $2, $3) ON CONFLICT (code) DO NOTHING`,
    [COMMAND_CENTRE_ORG, city.orgName ?? `${city.name} command centre`, city.orgNameEn ?? `${city.nameEn} command centre`],
  )
}

async function adoptKeptOrgs(tx: Queryable, areas: readonly AdminArea[]): Promise<void> {
  if (areas.length === 0) return
  const params = [
    areas.map((a) => areaOrgCode(a.code)), areas.map((a) => a.code),
    areas.map((a) => a.orgName), areas.map((a) => a.orgNameEn),
  ]
  await tx.query(
    `UPDATE org o SET name = u.name, name_en = u.name_en, area_code = u.area
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(code, area, name, name_en) WHERE o.code = u.code`,
    params,
  )
  await tx.query(
    `UPDATE admin_area a SET org_code = u.code FROM unnest($1::text[], $2::text[]) AS u(code, area) WHERE a.code = u.area`,
    params.slice(0, 2),
  )
}
