import { describe, expect, it } from 'vitest'
import { categorySchema, majorCategorySchema } from '../../geo/catalogue/category.ts'
import { CATEGORY_CATALOGUE, MAJOR_CATEGORIES } from './category-catalogue.ts'
import { DEPARTMENTS } from './departments.ts'
import { INCIDENT_PROFILES } from './incident-profiles.ts'

const byCode = new Map(CATEGORY_CATALOGUE.map((c) => [c.code, c]))

describe('category catalogue', () => {
  it('has 40 to 60 categories, both parts and events, every one valid under the schema', () => {
    expect(CATEGORY_CATALOGUE.length).toBeGreaterThanOrEqual(40)
    expect(CATEGORY_CATALOGUE.length).toBeLessThanOrEqual(60)
    for (const c of CATEGORY_CATALOGUE) expect(categorySchema.safeParse(c).error?.issues ?? []).toEqual([])
    expect(CATEGORY_CATALOGUE.filter((c) => c.kind === 'part').length).toBeGreaterThanOrEqual(15)
    expect(CATEGORY_CATALOGUE.filter((c) => c.kind === 'event').length).toBeGreaterThanOrEqual(25)
  })

  it('has unique codes', () => {
    expect(byCode.size).toBe(CATEGORY_CATALOGUE.length)
    expect(new Set(MAJOR_CATEGORIES.map((m) => m.code)).size).toBe(MAJOR_CATEGORIES.length)
  })

  it('keeps EV-0101 as the missing or broken manhole cover event the Open311 sample refers to', () => {
    const ev0101 = byCode.get('EV-0101')
    expect(ev0101).toMatchObject({ kind: 'event', majorCode: 'EV-01', priority: 1 })
    expect(ev0101?.nameZh).toContain('井盖')
    expect(ev0101?.nameEn).toMatch(/manhole cover/i)
  })

  it('points every category at a known department and major class', () => {
    const departments = new Set(DEPARTMENTS.map((d) => d.code))
    for (const m of MAJOR_CATEGORIES) expect(majorCategorySchema.safeParse(m).success).toBe(true)
    const majors = new Map(MAJOR_CATEGORIES.map((m) => [m.code, m]))
    for (const c of CATEGORY_CATALOGUE) {
      expect(departments, c.code).toContain(c.departmentCode)
      expect(majors.get(c.majorCode)?.kind, c.code).toBe(c.kind)
    }
  })

  it('gives hazards hours and appearance issues days', () => {
    for (const c of CATEGORY_CATALOGUE) {
      const { file, dispatch, handle } = c.limitsMinutes
      if (c.priority === 1) expect(file + dispatch + handle, c.code).toBeLessThanOrEqual(5 * 60)
      if (c.priority === 4) expect(handle, c.code).toBeGreaterThanOrEqual(8 * 60)
    }
  })

  it('has departments with unique codes and both names', () => {
    expect(new Set(DEPARTMENTS.map((d) => d.code)).size).toBe(DEPARTMENTS.length)
    for (const d of DEPARTMENTS) {
      expect(d.nameZh).toMatch(/\p{Script=Han}/u)
      expect(d.nameEn).not.toBe('')
    }
  })

  it('has an incident profile for every category and none for unknown codes', () => {
    expect(Object.keys(INCIDENT_PROFILES).sort()).toEqual([...byCode.keys()].sort())
  })
})
