import { z } from 'zod'
import { CODE_LENGTHS } from './grid-codes.ts'

export const ADMIN_LEVELS = ['city', 'street', 'community', 'grid'] as const
export type AdminLevel = (typeof ADMIN_LEVELS)[number]

const position = z.array(z.number()).min(2).max(3)
const multiPolygon = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(z.array(z.array(position).min(4)).min(1)).min(1),
})

/** One area of the grid-management hierarchy, as stored in admin_area. */
export const adminAreaSchema = z
  .object({
    code: z.string().regex(/^\d+$/),
    level: z.enum(ADMIN_LEVELS),
    parentCode: z.string().nullable(),
    name: z.string().min(1),
    nameEn: z.string().min(1),
    /** The body answering for the area (街道办事处, 社区居委会...); null for unit grids. */
    orgName: z.string().nullable(),
    orgNameEn: z.string().nullable(),
    geometry: multiPolygon,
    /** Address points inside the area: the demo's proxy for households. */
    households: z.number().int().nonnegative(),
    /** households x persons per household: an estimate, and shown as one. */
    population: z.number().int().nonnegative(),
    areaKm2: z.number().nonnegative(),
  })
  .refine((a) => a.code.length === CODE_LENGTHS[a.level], { message: 'code length does not match level' })
  .refine((a) => (a.level === 'city' ? a.parentCode === null : a.parentCode !== null && a.code.startsWith(a.parentCode)), {
    message: 'code must extend its parent code',
  })

export type AdminArea = z.infer<typeof adminAreaSchema>
