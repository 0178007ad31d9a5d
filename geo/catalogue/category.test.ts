import { describe, expect, it } from 'vitest'
import { categorySchema, majorCategorySchema, type Category } from './category.ts'
import { WORKFLOW_STEPS, WORKFLOW_STEP_LABELS, workflowStepSchema } from './workflow-steps.ts'

const valid: Category = {
  code: 'EV-0101',
  kind: 'event',
  majorCode: 'EV-01',
  nameZh: '井盖缺失',
  nameEn: 'Missing manhole cover',
  departmentCode: 'MUNICIPAL',
  priority: 1,
  limitsMinutes: { file: 15, dispatch: 15, handle: 240, verify: 60 },
  disposalPlan: '设置围挡警示，补盖',
}

describe('categorySchema', () => {
  it('accepts a well-formed category', () => {
    expect(categorySchema.parse(valid)).toEqual(valid)
  })

  it.each([
    ['a malformed code', { code: 'EV-101' }, ['code']],
    ['a code of the other kind', { code: 'PT-0101', majorCode: 'PT-01' }, ['code']],
    ['a code outside its major class', { majorCode: 'EV-02' }, ['majorCode']],
    ['priority 0', { priority: 0 }, ['priority']],
    ['priority 5', { priority: 5 }, ['priority']],
    ['a fractional limit', { limitsMinutes: { ...valid.limitsMinutes, handle: 1.5 } }, ['limitsMinutes', 'handle']],
    ['a zero limit', { limitsMinutes: { ...valid.limitsMinutes, file: 0 } }, ['limitsMinutes', 'file']],
    ['a missing limit', { limitsMinutes: { file: 15, dispatch: 15, handle: 240 } }, ['limitsMinutes', 'verify']],
    ['an empty disposal plan', { disposalPlan: '' }, ['disposalPlan']],
    ['an unknown field', { colour: 'red' }, []],
  ])('rejects %s', (_, change, path) => {
    const result = categorySchema.safeParse({ ...valid, ...change })
    expect(result.success).toBe(false)
    expect(result.error?.issues.map((i) => i.path)).toContainEqual(path)
  })
})

describe('majorCategorySchema', () => {
  it('checks the code against the kind', () => {
    expect(majorCategorySchema.safeParse({ code: 'PT-01', kind: 'part', nameZh: '公用设施', nameEn: 'Public utilities' }).success).toBe(true)
    expect(majorCategorySchema.safeParse({ code: 'PT-01', kind: 'event', nameZh: '公用设施', nameEn: 'Public utilities' }).success).toBe(false)
  })
})

describe('workflow steps', () => {
  it('run in the order of the closed loop, each with both labels', () => {
    expect(WORKFLOW_STEPS).toEqual(['collect', 'file', 'dispatch', 'handle', 'report_back', 'verify', 'close'])
    for (const step of WORKFLOW_STEPS) {
      expect(WORKFLOW_STEP_LABELS[step].zh).toMatch(/\p{Script=Han}/u)
      expect(WORKFLOW_STEP_LABELS[step].en).not.toBe('')
    }
    expect(workflowStepSchema.safeParse('evaluate').success).toBe(false)
  })
})
