import { z } from 'zod'
import type { Principal } from '../auth/principal.ts'
import { areaScope } from '../auth/area-scope.ts'

const SOURCES = ['citizen', 'grid_worker', 'camera', 'operator', 'patrol', 'import'] as const
const DAY_MS = 86_400_000
export const DEFAULT_WINDOW_DAYS = 90
export const MAX_WINDOW_DAYS = 3 * 366

/** "7-9,17" → [7, 8, 9, 17]; ranges inclusive, each value within [min, max]. */
const listOfInts = (min: number, max: number, what: string) =>
  z
    .string()
    .regex(/^\d+(-\d+)?(,\d+(-\d+)?)*$/, `comma-separated ${what} or ranges, e.g. 7-9,17`)
    .transform((s, ctx) => {
      const out = new Set<number>()
      for (const part of s.split(',')) {
        const [a, b = a] = part.split('-').map(Number)
        if (a < min || b > max || a > b) {
          ctx.addIssue({ code: 'custom', message: `${part}: ${what} run from ${min} to ${max}` })
          return z.NEVER
        }
        for (let v = a; v <= b; v++) out.add(v)
      }
      return [...out].sort((x, y) => x - y)
    })

const csv = <T extends z.ZodType>(item: T) =>
  z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(item).min(1) as unknown as z.ZodType<Array<z.output<T>>, string[]>)

/** The filters every analytics view shares; each lands in the SQL, none is applied after the query. */
export const AnalyticsFilterShape = {
  from: z.iso.datetime({ offset: true }).optional().describe(`window start (default: ${DEFAULT_WINDOW_DAYS} days before \`to\`)`),
  to: z.iso.datetime({ offset: true }).optional().describe('window end, exclusive (default: now)'),
  hours: listOfInts(0, 23, 'hours').optional().describe('local hours of the day, e.g. 7-9,17-19'),
  days: listOfInts(1, 7, 'ISO weekdays').optional().describe('ISO weekdays, 1 = Monday … 7 = Sunday, e.g. 6-7'),
  category: csv(z.string().regex(/^[A-Z]{2}(-\d{2,4})?$/, 'a category code or its major code, e.g. EV-0101 or EV-01'))
    .optional()
    .describe('category codes or prefixes (EV = all events, PT-01 = a major class)'),
  source: csv(z.enum(SOURCES)).optional().describe('comma-separated sources'),
  priority: csv(z.coerce.number().int().min(1).max(4)).optional().describe('comma-separated priorities 1–4'),
  area: z.string().regex(/^\d+$/, 'an area code (digits)').optional().describe('street, community or grid code: incidents under it'),
}

export interface AnalyticsFilters {
  from: Date
  to: Date
  hours?: number[]
  days?: number[]
  category?: string[]
  source?: string[]
  priority?: number[]
  area?: string
}

/** Fills the default window and checks it; used as a zod `.transform` on schemas built from the shape. */
export function resolveWindow<T extends { from?: string; to?: string }>(q: T, ctx: z.RefinementCtx): Omit<T, 'from' | 'to'> & { from: Date; to: Date } {
  const to = q.to ? new Date(q.to) : new Date()
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - DEFAULT_WINDOW_DAYS * DAY_MS)
  if (from >= to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must be before to' })
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_MS) ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${MAX_WINDOW_DAYS} days` })
  return { ...q, from, to }
}

/**
 * The WHERE clause (over `incident i` or `analytics_incident i`: same column names) for the filters and the principal's jurisdiction; pushes its parameters.
 * Hours and weekdays are read on the city's clock (`timeZone`), not the server's.
 */
export function incidentFilterSql(f: AnalyticsFilters, principal: Principal, timeZone: string, params: unknown[]): string {
  const p = (v: unknown) => {
    params.push(v)
    return `$${params.length}`
  }
  const where = [`i.reported_at >= ${p(f.from.toISOString())}::timestamptz`, `i.reported_at < ${p(f.to.toISOString())}::timestamptz`]
  if (f.hours || f.days) {
    const local = `(i.reported_at AT TIME ZONE ${p(timeZone)})`
    if (f.hours) where.push(`extract(hour FROM ${local})::int = ANY(${p(f.hours)}::int[])`)
    if (f.days) where.push(`extract(isodow FROM ${local})::int = ANY(${p(f.days)}::int[])`)
  }
  if (f.category) where.push(`i.category_code LIKE ANY(${p(f.category.map((c) => `${c}%`))}::text[])`)
  if (f.source) where.push(`i.source = ANY(${p(f.source)}::text[])`)
  if (f.priority) where.push(`i.priority = ANY(${p(f.priority)}::int[])`)
  if (f.area) where.push(`i.grid_code LIKE ${p(`${f.area}%`)}`)
  where.push(areaScope(principal, 'i.grid_code', params))
  return where.join(' AND ')
}
