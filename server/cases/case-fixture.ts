import type { Queryable } from '../db/db.ts'
import type { Principal, Role } from '../auth/principal.ts'
import type { CaseState } from '../../geo/cases/case-states.ts'
import { FIXTURE_GRIDS, insertTrackingFixture } from '../testing/tracking-fixture.ts'
import { insertCameraFixture } from '../alerts/camera-fixture.ts'

/**
 * The case tests' world: the tracking fixture's two grids (split at lon -56.165) as admin areas, its two units
 * plus three more, both fixture cameras, two departments and two categories with short, round limits.
 */
export const CASE_LIMITS = { file: 15, dispatch: 30, handle: 240, verify: 60 }
export const CASE_CATEGORIES = { manhole: 'EV-0101', lamp: 'PT-0101' }
export const CASE_UNITS = ['unit-0001', 'unit-0007', 'unit-0101', 'unit-0102', 'unit-0103']

export async function insertCaseFixture(q: Queryable): Promise<void> {
  await insertTrackingFixture(q)
  await insertCameraFixture(q)
  await q.exec(`
    INSERT INTO org (code, kind, name) VALUES ('MUNICIPAL', 'department', '市政'), ('POWER', 'department', '供电');
    INSERT INTO admin_area (code, level, name, geom) VALUES
      ('${FIXTURE_GRIDS.west}', 'grid', 'west', ST_Multi(ST_MakeEnvelope(-56.25, -34.95, -56.165, -34.85, 4326))),
      ('${FIXTURE_GRIDS.east}', 'grid', 'east', ST_Multi(ST_MakeEnvelope(-56.165, -34.95, -56.05, -34.85, 4326)));
    INSERT INTO unit (id, callsign, type, shift, grid_code) VALUES
      ('unit-0101', 'M-01', 'urban_management', 'day', '${FIXTURE_GRIDS.west}'),
      ('unit-0102', 'M-02', 'urban_management', 'day', '${FIXTURE_GRIDS.west}'),
      ('unit-0103', 'M-03', 'urban_management', 'day', '${FIXTURE_GRIDS.east}');`)
  for (const [code, dept, priority] of [[CASE_CATEGORIES.manhole, 'MUNICIPAL', 1], [CASE_CATEGORIES.lamp, 'POWER', 3]] as const) {
    await q.query(
      `INSERT INTO category (code, kind, major_code, name, name_en, department_code, priority, limits_minutes, disposal_plan)
       VALUES ($1, $2, $3, $1, $1, $4, $5, $6::jsonb, 'make safe')`,
      [code, code.startsWith('EV') ? 'event' : 'part', code.slice(0, 5), dept, priority, JSON.stringify(CASE_LIMITS)],
    )
  }
}

export interface NewCase {
  state?: CaseState
  lon?: number
  lat?: number
  categoryCode?: string
  reportedAt?: Date
  deadlineAt?: Date | null
  gridCode?: string | null
}

/** A collected case, written directly (the intake path has its own tests). */
export async function insertCase(q: Queryable, c: NewCase = {}): Promise<number> {
  const r = await q.query<{ id: number }>(
    `INSERT INTO incident (source, category_code, priority, state, description, geom, grid_code, reported_at, deadline_at, media_urls)
     VALUES ('citizen', $1, 2, $2, 'test case', ST_SetSRID(ST_MakePoint($3, $4), 4326), $5, $6, $7, '["https://example.org/p/1.jpg"]')
     RETURNING id::int`,
    [
      c.categoryCode ?? CASE_CATEGORIES.manhole, c.state ?? 'reported', c.lon ?? -56.2, c.lat ?? -34.9,
      c.gridCode === undefined ? FIXTURE_GRIDS.west : c.gridCode, c.reportedAt ?? new Date(), c.deadlineAt ?? null,
    ],
  )
  return r.rows[0].id
}

export const principal = (role: Role, username: string = role, areas: Principal['areas'] = 'all'): Principal => ({
  userId: null, username, role, areas, layers: new Set(),
})
