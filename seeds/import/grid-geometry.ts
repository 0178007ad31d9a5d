import type { Db, Queryable } from '../../server/db/db.ts'
import { bulkInsert } from '../../server/db/bulk-insert.ts'
import type { AdminArea } from '../../geo/grids/admin-area.ts'
import { CODE_LENGTHS } from '../../geo/grids/grid-codes.ts'
import type { PlannedArea } from '../../geo/import/grid-features.ts'
import { issue, type ImportIssue } from '../../geo/import/import-report.ts'

/** Below this, an overlap or a hole is rounding along a shared edge, not a drawing error. */
const NOISE_M2 = 1
/** How far fixing an invalid polygon may move its area before the fix is a guess rather than a repair. */
const MAX_FIX_CHANGE = 0.01

const m2 = (v: number) => `${Math.round(v).toLocaleString('en')} m²`

/**
 * The geometry checks that need PostGIS, on a temporary table that vanishes with the transaction (nothing is
 * written): repair invalid polygons, draw parents from their children, then look for overlaps and gaps.
 * Returns the areas ready for loadAdminAreas, parents first.
 */
export async function checkGridGeometry(
  db: Db,
  planned: readonly PlannedArea[],
): Promise<{ areas: AdminArea[]; issues: ImportIssue[] }> {
  return db.transaction(async (tx) => {
    await tx.exec(`CREATE TEMP TABLE import_area (
      code text PRIMARY KEY, level text NOT NULL, parent_code text, feature int, drawn boolean NOT NULL, geom geometry
    ) ON COMMIT DROP`)
    await bulkInsert(
      tx,
      'import_area',
      [
        { name: 'code', type: 'text' },
        { name: 'level', type: 'text' },
        { name: 'parent_code', type: 'text' },
        { name: 'feature', type: 'int4' },
        { name: 'drawn', type: 'bool' },
        { name: 'geom', type: 'text', expr: 'ST_Multi(ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(v), 4326)))' },
      ],
      planned.map((a) => [a.code, a.level, a.parentCode, a.feature, a.geometry !== null, a.geometry && JSON.stringify(a.geometry)]),
    )
    const issues = await repairInvalid(tx)
    // A city has thousands of grids: without these, the overlap join and the unions scan the table per row.
    await tx.exec(`CREATE INDEX ON import_area USING gist (geom); CREATE INDEX ON import_area (parent_code)`)
    await drawParents(tx)
    issues.push(...(await overlaps(tx)), ...(await gaps(tx)))

    const drawn = await tx.query<{ code: string; geometry: string; km2: number }>(
      `SELECT code, ST_AsGeoJSON(geom) AS geometry, ST_Area(geom::geography) / 1e6 AS km2
         FROM import_area WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)`,
    )
    const byCode = new Map(drawn.rows.map((r) => [r.code, r]))
    const areas = planned.flatMap((a): AdminArea[] => {
      const d = byCode.get(a.code)
      if (!d) return []
      // households and population stay NULL (unknown) when the file does not give them; the column allows it.
      const counts = { households: a.households as number, population: a.population as number }
      return [{ ...a, ...counts, geometry: JSON.parse(d.geometry), areaKm2: a.areaKm2 ?? d.km2 }]
    })
    return { areas, issues }
  })
}

/** ST_MakeValid keeps every piece; only the polygonal ones can be an area. */
async function repairInvalid(tx: Queryable): Promise<ImportIssue[]> {
  const r = await tx.query<{ code: string; feature: number; reason: string; before: number; after: number }>(
    `UPDATE import_area a SET geom = f.fixed
       FROM (SELECT code, ST_IsValidReason(geom) AS reason, ST_Area(geom::geography) AS before,
                    ST_Multi(ST_CollectionExtract(ST_MakeValid(geom), 3)) AS fixed
               FROM import_area WHERE geom IS NOT NULL AND NOT ST_IsValid(geom)) f
      WHERE a.code = f.code
      RETURNING a.code, a.feature, f.reason, f.before, ST_Area(f.fixed::geography) AS after`,
  )
  const issues: ImportIssue[] = []
  const rejected: string[] = []
  for (const { code, feature, reason, before, after } of r.rows) {
    const place = { feature, code, field: 'geometry' }
    const change = before > 0 ? Math.abs(after - before) / before : Infinity
    if (after > 0 && change <= MAX_FIX_CHANGE) {
      issues.push(issue('fix', `${reason} (area ${m2(before)} → ${m2(after)})`, place))
      continue
    }
    rejected.push(code)
    const why = after > 0 ? `would change its area from ${m2(before)} to ${m2(after)}` : 'leaves no area'
    issues.push(issue('error', `invalid: ${reason}; repairing it ${why}, so it must be redrawn`, place))
  }
  if (rejected.length > 0) await tx.query('DELETE FROM import_area WHERE code = ANY($1::text[])', [rejected])
  return issues
}

/** Bottom-up, so a derived street is the union of communities that may themselves be derived. */
async function drawParents(tx: Queryable): Promise<void> {
  const levels = Object.entries(CODE_LENGTHS)
    .filter(([level]) => level !== 'grid')
    .sort(([, a], [, b]) => b - a)
  for (const [level] of levels) {
    await tx.query(
      `UPDATE import_area p
          SET geom = (SELECT ST_Multi(ST_CollectionExtract(ST_Union(c.geom), 3)) FROM import_area c WHERE c.parent_code = p.code)
        WHERE p.level = $1 AND NOT p.drawn`,
      [level],
    )
  }
}

/** Only between areas the file draws: a derived parent overlaps exactly where its children do. */
async function overlaps(tx: Queryable): Promise<ImportIssue[]> {
  const r = await tx.query<{ a: string; feature: number; level: string; b: string; b_feature: number; m2: number }>(
    `SELECT a.code AS a, a.feature, a.level, b.code AS b, b.feature AS b_feature, x.m2
       FROM import_area a
       JOIN import_area b ON b.level = a.level AND b.code > a.code AND b.drawn AND a.geom && b.geom
       CROSS JOIN LATERAL (SELECT ST_Area(ST_Intersection(a.geom, b.geom)::geography) AS m2) x
      WHERE a.drawn AND ST_Intersects(a.geom, b.geom) AND x.m2 > $1
      ORDER BY x.m2 DESC`,
    [NOISE_M2],
  )
  return r.rows.map((o) =>
    issue('warning', `overlaps ${o.level} ${o.b} (feature ${o.b_feature}) by ${m2(o.m2)}`, { feature: o.feature, code: o.a }),
  )
}

/** Holes in the union of the unit grids: places inside the city that no grid answers for. */
async function gaps(tx: Queryable): Promise<ImportIssue[]> {
  const r = await tx.query<{ lon: number; lat: number; m2: number }>(
    `WITH city AS (SELECT ST_Union(geom) AS g FROM import_area WHERE level = 'grid'),
          holes AS (SELECT ST_MakePolygon(ST_InteriorRingN(d.geom, n)) AS h
                      FROM city, ST_Dump(city.g) d, generate_series(1, ST_NumInteriorRings(d.geom)) n),
          measured AS (SELECT ST_PointOnSurface(h) AS p, ST_Area(h::geography) AS m2 FROM holes)
     SELECT ST_X(p) AS lon, ST_Y(p) AS lat, m2 FROM measured WHERE m2 > $1 ORDER BY m2 DESC`,
    [NOISE_M2],
  )
  const at = (g: { lon: number; lat: number }) => `${g.lon.toFixed(6)}, ${g.lat.toFixed(6)} (lon, lat)`
  return r.rows.map((g) => issue('warning', `gap of ${m2(g.m2)} between the grids around ${at(g)}`))
}
