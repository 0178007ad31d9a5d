import { z } from 'zod'
import type { Queryable } from '../db/db.ts'
import { HttpError } from '../http/http-error.ts'
import { CATEGORY_PRIORITIES, categorySchema, stepLimitsSchema, type Category } from '../../geo/catalogue/category.ts'

/** What an admin may change on a category; its code, kind and names stay as the standard has them. */
export const categoryPatchSchema = z
  .strictObject({
    departmentCode: z.string().min(1).optional(),
    priority: z.literal(CATEGORY_PRIORITIES).optional(),
    limitsMinutes: stepLimitsSchema.optional(),
    disposalPlan: z.string().min(1).max(200).optional(),
    active: z.boolean().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, 'change at least one field')
export type CategoryPatch = z.infer<typeof categoryPatchSchema>

export const categoryRecordSchema = z.object({ ...categorySchema.shape, active: z.boolean() })
export type CategoryRecord = z.infer<typeof categoryRecordSchema>

export const departmentSchema = z.object({ code: z.string(), name: z.string(), nameEn: z.string().nullable() })
export type Department = z.infer<typeof departmentSchema>

const CATEGORY_COLUMNS = `code, kind, major_code AS "majorCode", name AS "nameZh", name_en AS "nameEn", department_code AS "departmentCode",
  priority, limits_minutes AS "limitsMinutes", disposal_plan AS "disposalPlan", active`

/** The catalogue in code order; retired categories only when asked for (old cases still carry their codes). */
export async function listCategories(q: Queryable, includeInactive: boolean): Promise<CategoryRecord[]> {
  const r = await q.query<CategoryRecord>(`SELECT ${CATEGORY_COLUMNS} FROM category WHERE active OR $1 ORDER BY code`, [includeInactive])
  return r.rows
}

/** The departments a case can be dispatched to. */
export async function listDepartments(q: Queryable): Promise<Department[]> {
  const r = await q.query<Department>(`SELECT code, name, name_en AS "nameEn" FROM org WHERE kind = 'department' ORDER BY code`)
  return r.rows
}

/**
 * Applies an admin's edit. New limits apply to deadlines set from now on; running deadlines keep the limits they
 * were set with, as the people working them were told.
 */
export async function updateCategory(q: Queryable, code: string, patch: CategoryPatch): Promise<CategoryRecord> {
  if (patch.departmentCode) {
    const org = await q.query('SELECT 1 FROM org WHERE code = $1', [patch.departmentCode])
    if (!org.rows.length) throw new HttpError(400, 'unknown_department', `no department ${patch.departmentCode}`, [{ path: 'body.departmentCode', message: 'not a known department' }])
  }
  const r = await q.query<CategoryRecord>(
    `UPDATE category SET
       department_code = COALESCE($2, department_code),
       priority = COALESCE($3, priority),
       limits_minutes = COALESCE($4::jsonb, limits_minutes),
       disposal_plan = COALESCE($5, disposal_plan),
       active = COALESCE($6, active)
     WHERE code = $1
     RETURNING ${CATEGORY_COLUMNS}`,
    [
      code, patch.departmentCode ?? null, patch.priority ?? null, patch.limitsMinutes ? JSON.stringify(patch.limitsMinutes) : null,
      patch.disposalPlan ?? null, patch.active ?? null,
    ],
  )
  if (!r.rows[0]) throw new HttpError(404, 'not_found', `no category ${code}`)
  return r.rows[0]
}
