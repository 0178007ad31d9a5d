import { z } from 'zod'
import { blankToNull, checkReport, MAX_MEDIA_URLS, type IncidentReport, type IncidentState } from './incident-report.ts'
import { ParseError, type FieldProblem } from './parse-error.ts'
import { parseDecimal } from './parse-decimal.ts'

/*
 * Open311 GeoReport v2, the subset we serve: services list, create a request, read requests. Our category
 * catalogue is the service list (service_code = category code). Form-encoded in, JSON out.
 */

export const OPEN311_SOURCES = ['citizen', 'grid_worker'] as const
export type Open311Source = (typeof OPEN311_SOURCES)[number]

// Canonical field -> the protocol's name for it, so an error points at what the client actually sent.
const WIRE_NAME: Readonly<Record<string, string>> = {
  categoryCode: 'service_code',
  lon: 'long',
  lat: 'lat',
  address: 'address_string',
  description: 'description',
  mediaUrls: 'media_url',
  reportedAt: 'requested_datetime',
  'reporter.name': 'first_name',
  'reporter.phone': 'phone',
  reporter: 'first_name',
  sourceId: 'Idempotency-Key',
}

const wireName = (path: string) => WIRE_NAME[path] ?? WIRE_NAME[path.replace(/\.\d+$/, '')] ?? path

/**
 * A POST `requests` body (form fields, or the same names as JSON) as the canonical record. Location must be
 * lat/long: we have no geocoder for address_string or address_id. Of the person, only a name (first_name +
 * last_name) and a phone number are kept; email, device_id and account_id are not stored (least data).
 * Throws a ParseError whose paths are the Open311 parameter names.
 */
export function parseOpen311Request(
  params: Readonly<Record<string, unknown>>,
  ctx: { source: Open311Source; sourceId: string | null; now: Date },
): IncidentReport {
  const problems: FieldProblem[] = []
  const hasProblem = (name: string) => problems.some((p) => p.path === name)
  const one = (name: string): string | undefined => {
    const v = params[name]
    if (v === undefined || v === null) return undefined
    if (typeof v === 'number') return String(v)
    if (typeof v !== 'string') {
      problems.push({ path: name, message: Array.isArray(v) ? 'given more than once' : 'expected a single value' })
      return undefined
    }
    return v.trim() === '' ? undefined : v.trim()
  }
  const num = (name: string): number | null => {
    const v = one(name)
    if (v === undefined) return null
    const n = parseDecimal(v)
    // Reported here; NaN (not null, "absent") keeps the field from also being reported missing.
    if (n === null) problems.push({ path: name, message: `not a number: "${v}"` })
    return n ?? NaN
  }

  const serviceCode = one('service_code')
  if (serviceCode === undefined && !hasProblem('service_code')) problems.push({ path: 'service_code', message: 'required' })
  const lat = num('lat')
  const lon = num('long')
  const addressString = one('address_string')
  if (lat === null || lon === null) {
    const hint = addressString || params.address_id ? ' (addresses cannot be located here: send lat and long)' : ''
    if (lat === null && !hasProblem('lat')) problems.push({ path: 'lat', message: `required${hint}` })
    if (lon === null && !hasProblem('long')) problems.push({ path: 'long', message: `required${hint}` })
  }
  const media = params.media_url
  const mediaUrls = (Array.isArray(media) ? media : media === undefined ? [] : [media])
    .map((m) => (typeof m === 'string' ? m.trim() : m))
    .filter((m) => m !== '')
  if (mediaUrls.length > MAX_MEDIA_URLS) problems.push({ path: 'media_url', message: `at most ${MAX_MEDIA_URLS}` })
  if (mediaUrls.some((m) => typeof m !== 'string')) problems.push({ path: 'media_url', message: 'expected a URL' })
  const name = [one('first_name'), one('last_name')].filter(Boolean).join(' ')
  const phone = one('phone')
  const description = one('description') ?? ''
  const address = blankToNull(addressString)
  if (problems.length) throw new ParseError(problems)

  try {
    return checkReport(
      {
        source: ctx.source,
        sourceId: ctx.sourceId,
        categoryCode: serviceCode!,
        description,
        lon: lon!,
        lat: lat!,
        address,
        mediaUrls: mediaUrls as string[],
        reportedAt: ctx.now,
        reporter: name || phone ? { ...(name ? { name } : {}), ...(phone ? { phone } : {}) } : null,
      },
      ctx.now,
    )
  } catch (err) {
    if (!(err instanceof ParseError)) throw err
    throw new ParseError(err.problems.map((p) => ({ path: wireName(p.path), message: p.message })))
  }
}

/** Open311 knows two statuses. A verified case is fixed and checked on site: closed for the person who reported. */
export const OPEN311_CLOSED_STATES: readonly IncidentState[] = ['verified', 'closed', 'voided', 'rejected']

export function open311Status(state: string): 'open' | 'closed' {
  return (OPEN311_CLOSED_STATES as readonly string[]).includes(state) ? 'closed' : 'open'
}

/** The form fields of POST requests.json that we read (others, such as attribute[...] and email, are ignored). */
export const open311PostSchema = z.object({
  api_key: z.string().optional().describe('identifies the reporting client'),
  jurisdiction_id: z.string().optional(),
  service_code: z.string().describe('a category code from services.json'),
  lat: z.union([z.string(), z.number()]).describe('WGS 84 latitude (required: no geocoding of addresses)'),
  long: z.union([z.string(), z.number()]).describe('WGS 84 longitude'),
  address_string: z.string().optional(),
  description: z.string().optional(),
  media_url: z.union([z.string(), z.array(z.string()).max(MAX_MEDIA_URLS)]).optional().describe('http(s) URL; may be repeated'),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  phone: z.string().optional(),
  locale: z.string().optional().describe('language of service_notice: zh or en (default: Accept-Language, then zh)'),
})

export const open311PostResponseSchema = z.array(
  z.object({ service_request_id: z.string(), service_notice: z.string(), account_id: z.null() }),
)

export const open311ServiceSchema = z.object({
  service_code: z.string(),
  service_name: z.string(),
  description: z.string(),
  metadata: z.boolean(),
  type: z.literal('realtime'),
  keywords: z.string(),
  group: z.string(),
})

export const open311RequestSchema = z.object({
  service_request_id: z.string(),
  status: z.enum(['open', 'closed']),
  status_notes: z.string(),
  service_name: z.string().nullable(),
  service_code: z.string().nullable(),
  description: z.string(),
  agency_responsible: z.string().nullable(),
  service_notice: z.string().nullable(),
  requested_datetime: z.string(),
  updated_datetime: z.string(),
  expected_datetime: z.string().nullable(),
  address: z.string().nullable(),
  lat: z.number(),
  long: z.number(),
  media_url: z.string().nullable(),
})
export type Open311Request = z.infer<typeof open311RequestSchema>

/** Open311's error body: a list of problems, each with the HTTP status as its code. */
export const open311ErrorSchema = z.array(z.object({ code: z.number().int(), description: z.string() }))
export type Open311Error = z.infer<typeof open311ErrorSchema>
