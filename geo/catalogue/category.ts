import { z } from 'zod'

/**
 * Case categories after the Chinese digital-urban-management standards: parts (部件) are owned fixed objects,
 * events (事件) are happenings. Codes are `PT-MMNN` / `EV-MMNN`: two digits of major class, two of subclass,
 * so the major class is always readable from the code itself.
 */
export const CATEGORY_KINDS = ['part', 'event'] as const
export type CategoryKind = (typeof CATEGORY_KINDS)[number]

const KIND_PREFIX: Readonly<Record<CategoryKind, string>> = { part: 'PT', event: 'EV' }

export const categoryCodeSchema = z.string().regex(/^(PT|EV)-\d{4}$/, 'expected PT-NNNN or EV-NNNN')
export const majorCategoryCodeSchema = z.string().regex(/^(PT|EV)-\d{2}$/, 'expected PT-NN or EV-NN')

/** 1 is the most urgent: a hazard to life or property; 4 is an appearance issue that can wait days. */
export const CATEGORY_PRIORITIES = [1, 2, 3, 4] as const
export type CategoryPriority = (typeof CATEGORY_PRIORITIES)[number]

const minutes = z.int().positive()

/**
 * Time allowed for each step, in calendar minutes, measured from the end of the previous step:
 * file = reported -> filed, dispatch = filed -> dispatched, handle = dispatched -> reported back,
 * verify = reported back -> verified.
 */
export const stepLimitsSchema = z.strictObject({ file: minutes, dispatch: minutes, handle: minutes, verify: minutes })
export type StepLimits = z.infer<typeof stepLimitsSchema>

export const majorCategorySchema = z
  .strictObject({
    code: majorCategoryCodeSchema,
    kind: z.enum(CATEGORY_KINDS),
    nameZh: z.string().min(1),
    nameEn: z.string().min(1),
  })
  .refine((m) => m.code.startsWith(KIND_PREFIX[m.kind]), { message: 'code prefix does not match kind', path: ['code'] })
export type MajorCategory = z.infer<typeof majorCategorySchema>

export const categorySchema = z
  .strictObject({
    code: categoryCodeSchema,
    kind: z.enum(CATEGORY_KINDS),
    majorCode: majorCategoryCodeSchema,
    nameZh: z.string().min(1),
    nameEn: z.string().min(1),
    departmentCode: z.string().min(1),
    priority: z.literal(CATEGORY_PRIORITIES),
    limitsMinutes: stepLimitsSchema,
    /** What the handler must achieve for the case to pass verification (处置标准), kept short for the dispatch screen. */
    disposalPlan: z.string().min(1).max(200),
  })
  .refine((c) => c.code.startsWith(KIND_PREFIX[c.kind]), { message: 'code prefix does not match kind', path: ['code'] })
  .refine((c) => c.code.startsWith(c.majorCode), { message: 'code is not inside its major class', path: ['majorCode'] })
export type Category = z.infer<typeof categorySchema>
