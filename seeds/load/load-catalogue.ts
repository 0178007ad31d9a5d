import type { Queryable } from '../../server/db/db.ts'
import { bulkInsert } from '../../server/db/bulk-insert.ts'
import { CATEGORY_CATALOGUE } from '../demo/category-catalogue.ts'
import { DEPARTMENTS } from '../demo/departments.ts'

export const COMMAND_CENTRE_ORG = 'COMMAND_CENTRE'

/** The command centre, the responsible departments, and the category catalogue that routes cases to them. */
export async function loadCatalogue(q: Queryable): Promise<{ departments: number; categories: number }> {
  await bulkInsert(
    q,
    'org',
    [
      { name: 'code', type: 'text' },
      { name: 'kind', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'name_en', type: 'text' },
    ],
    [
      [COMMAND_CENTRE_ORG, 'command_centre', '城市运行管理指挥中心', 'City Operations Command Centre'],
      ...DEPARTMENTS.map((d) => [d.code, 'department', d.nameZh, d.nameEn]),
    ],
  )
  const categories = await bulkInsert(
    q,
    'category',
    [
      { name: 'code', type: 'text' },
      { name: 'kind', type: 'text' },
      { name: 'major_code', type: 'text' },
      { name: 'name', type: 'text' },
      { name: 'name_en', type: 'text' },
      { name: 'department_code', type: 'text' },
      { name: 'priority', type: 'int2' },
      { name: 'limits_minutes', type: 'jsonb' },
      { name: 'disposal_plan', type: 'text' },
    ],
    CATEGORY_CATALOGUE.map((c) => [
      c.code, c.kind, c.majorCode, c.nameZh, c.nameEn, c.departmentCode, c.priority, JSON.stringify(c.limitsMinutes), c.disposalPlan,
    ]),
  )
  return { departments: DEPARTMENTS.length, categories }
}
