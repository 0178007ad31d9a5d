import { z } from 'zod'
import { categoryCodeSchema } from '../catalogue/category.ts'
import { ParseError, type FieldProblem } from './parse-error.ts'

/** Who brought the incident in: the first step of the closed loop (信息采集) has these channels. */
export const INCIDENT_SOURCES = ['citizen', 'grid_worker', 'operator', 'camera', 'patrol'] as const
export type IncidentSource = (typeof INCIDENT_SOURCES)[number]

/** The states a stored incident can be in are the case states of the closed loop; a new report is `reported`. */
export { CASE_STATES as INCIDENT_STATES, type CaseState as IncidentState } from '../cases/case-states.ts'

export const MAX_DESCRIPTION_CHARS = 4000
export const MAX_ADDRESS_CHARS = 300
export const MAX_MEDIA_URLS = 10
/** A report's own clock may run this far ahead of ours (phone clocks drift); further is a wrong date. */
export const REPORTED_AT_MAX_AHEAD_MS = 5 * 60_000

const lon = z.number().min(-180).max(180)
const lat = z.number().min(-90).max(90)

export const mediaUrlSchema = z.url({ protocol: /^https?$/, message: 'expected an http(s) URL' }).max(2048)

/** Printable ASCII without spaces, as HTTP header values and form fields carry it safely. */
export const sourceIdSchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,128}$/, 'expected 1-128 printable ASCII characters without spaces')

/**
 * How to reach the person who reported: least data, so only a name and a phone number, and each only if they
 * gave it. Stored apart from the incident's public fields and never returned by the public or list APIs.
 */
export const reporterSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    phone: z
      .string()
      .trim()
      .regex(/^\+?\d[\d ()-]{2,30}$/, 'expected a phone number: digits, spaces, + ( ) -')
      .optional(),
  })
  .refine((r) => r.name !== undefined || r.phone !== undefined, 'give a name or a phone number, or leave the reporter out')
export type Reporter = z.infer<typeof reporterSchema>

/**
 * An incident as every channel hands it to the store, whatever protocol brought it: the canonical intake record.
 * `sourceId` is the channel's idempotency key: the same key from the same source is the same incident.
 */
export const incidentReportSchema = z
  .strictObject({
    source: z.enum(INCIDENT_SOURCES),
    sourceId: sourceIdSchema.nullable(),
    categoryCode: categoryCodeSchema,
    description: z.string().trim().max(MAX_DESCRIPTION_CHARS),
    lon,
    lat,
    address: z.string().trim().min(1).max(MAX_ADDRESS_CHARS).nullable(),
    mediaUrls: z.array(mediaUrlSchema).max(MAX_MEDIA_URLS),
    reportedAt: z.date(),
    reporter: reporterSchema.nullable(),
  })
  // 0,0 is what a phone sends before it has a fix, never a place in the city.
  .refine((r) => r.lon !== 0 || r.lat !== 0, { message: 'position 0,0 is not a place', path: ['lat'] })
export type IncidentReport = z.infer<typeof incidentReportSchema>

/** The JSON body of `POST /api/v1/incidents`: an operator (坐席) files what a caller, a patrol or a camera reported. */
export const incidentEntrySchema = z.strictObject({
  source: z.enum(INCIDENT_SOURCES).default('operator'),
  categoryCode: categoryCodeSchema,
  description: z.string().max(MAX_DESCRIPTION_CHARS).default(''),
  lon,
  lat,
  address: z.string().max(MAX_ADDRESS_CHARS).nullish(),
  mediaUrls: z.array(mediaUrlSchema).max(MAX_MEDIA_URLS).default([]),
  /** When the problem was reported, if earlier than now (a call taken before it was typed in). */
  reportedAt: z.iso.datetime({ offset: true }).optional(),
  reporter: reporterSchema.optional(),
})
export type IncidentEntry = z.input<typeof incidentEntrySchema>

/** Blank optional text is no text. */
export const blankToNull = (s: string | null | undefined): string | null => (s == null || s.trim() === '' ? null : s.trim())

/**
 * An operator's entry as the canonical record. `idempotencyKey` is the `Idempotency-Key` header, if any.
 * Throws a ParseError naming every wrong field (paths as in the body; the key's path is `idempotencyKey`).
 */
export function fromIncidentEntry(body: unknown, ctx: { idempotencyKey: string | null; now: Date }): IncidentReport {
  const problems: FieldProblem[] = []
  const entry = incidentEntrySchema.safeParse(body)
  if (!entry.success) problems.push(...ParseError.fromZod(entry.error).problems)
  if (ctx.idempotencyKey !== null) {
    const key = sourceIdSchema.safeParse(ctx.idempotencyKey)
    if (!key.success) problems.push({ path: 'idempotencyKey', message: key.error.issues[0].message })
  }
  if (!entry.success || problems.length) throw new ParseError(problems)
  const e = entry.data
  const reportedAt = e.reportedAt ? new Date(e.reportedAt) : ctx.now
  return checkReport(
    {
      source: e.source,
      sourceId: ctx.idempotencyKey,
      categoryCode: e.categoryCode,
      description: e.description,
      lon: e.lon,
      lat: e.lat,
      address: blankToNull(e.address),
      mediaUrls: e.mediaUrls,
      reportedAt,
      reporter: e.reporter ?? null,
    },
    ctx.now,
  )
}

/**
 * Validates a candidate against the canonical schema and the clock; problems come back under the canonical
 * field names, for an adapter to rename to its protocol's.
 */
export function checkReport(candidate: IncidentReport, now: Date): IncidentReport {
  const parsed = incidentReportSchema.safeParse(candidate)
  const problems = parsed.success ? [] : ParseError.fromZod(parsed.error).problems
  if (candidate.reportedAt.getTime() > now.getTime() + REPORTED_AT_MAX_AHEAD_MS) {
    problems.push({ path: 'reportedAt', message: `in the future: ${candidate.reportedAt.toISOString()}` })
  }
  if (!parsed.success || problems.length) throw new ParseError(problems)
  return parsed.data
}

/** An incident as the API and the live layer show it: a GeoJSON Point feature, without the reporter's contact. */
export const incidentFeatureSchema = z.object({
  type: z.literal('Feature'),
  id: z.number().int(),
  geometry: z.object({ type: z.literal('Point'), coordinates: z.tuple([z.number(), z.number()]) }),
  properties: z.object({
    id: z.number().int(),
    source: z.string(),
    categoryCode: z.string().nullable(),
    priority: z.number().int(),
    state: z.string(),
    description: z.string(),
    address: z.string().nullable(),
    mediaUrls: z.array(z.string()),
    gridCode: z.string().nullable(),
    departmentCode: z.string().nullable(),
    assignedUnitId: z.string().nullable(),
    /** When the assigned unit should arrive (assignment time + the router's travel time). */
    expectedArrivalAt: z.string().nullable(),
    reportedAt: z.string(),
    filedAt: z.string().nullable(),
    dispatchedAt: z.string().nullable(),
    handledAt: z.string().nullable(),
    reportedBackAt: z.string().nullable(),
    verifiedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
    /** When the step the case is waiting on falls due. */
    deadlineAt: z.string().nullable(),
    reopenCount: z.number().int(),
  }),
})
export type IncidentFeature = z.infer<typeof incidentFeatureSchema>

/** What the live `incidents` layer carries for a new incident. */
export interface IncidentCreatedEvent {
  kind: 'created'
  incident: IncidentFeature
}
