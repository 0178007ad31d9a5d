import { z } from 'zod'
import { positionFixSchema, type PositionFix } from './position-fix.ts'
import { parseDeviceTime } from './parse-time.ts'
import { ParseError, type FieldProblem } from './parse-error.ts'

export const MAX_BULK_POSITIONS = 10_000

/** One item of `POST /api/v1/positions`: our own JSON shape for gateways, SI units. */
export const bulkPositionSchema = z.strictObject({
  deviceId: z.string(),
  time: z.union([z.string(), z.number()]),
  lat: z.number(),
  lon: z.number(),
  speed: z.number().nullish(),
  heading: z.number().nullish(),
  accuracy: z.number().nullish(),
  altitude: z.number().nullish(),
  battery: z.number().nullish(),
})

const RENAME: Record<string, string> = {
  deviceTime: 'time', speedMps: 'speed', headingDeg: 'heading', accuracyM: 'accuracy', altitudeM: 'altitude', batteryPct: 'battery',
}

/** All or nothing: every item is checked and every problem reported with its index, or every fix returned. */
export function parseBulkPositions(body: unknown): PositionFix[] {
  if (!Array.isArray(body)) throw new ParseError([{ path: '', message: 'expected a JSON array of positions' }])
  if (body.length === 0) throw new ParseError([{ path: '', message: 'empty array' }])
  if (body.length > MAX_BULK_POSITIONS) {
    throw new ParseError([{ path: '', message: `${body.length} positions; at most ${MAX_BULK_POSITIONS} per request` }])
  }
  const problems: FieldProblem[] = []
  const fixes: PositionFix[] = []
  body.forEach((item, i) => {
    try {
      fixes.push(parseBulkItem(item))
    } catch (err) {
      if (!(err instanceof ParseError)) throw err
      for (const p of err.problems) problems.push({ path: `[${i}]${p.path ? `.${p.path}` : ''}`, message: p.message })
    }
  })
  if (problems.length) throw new ParseError(problems)
  return fixes
}

function parseBulkItem(item: unknown): PositionFix {
  const shape = bulkPositionSchema.safeParse(item)
  if (!shape.success) throw ParseError.fromZod(shape.error)
  const b = shape.data
  const deviceTime = parseDeviceTime(b.time)
  if (!deviceTime) throw new ParseError([{ path: 'time', message: `not a Unix time or ISO 8601 date: "${b.time}"` }])
  const fix = positionFixSchema.safeParse({
    source: 'bulk',
    deviceId: b.deviceId,
    deviceTime,
    lon: b.lon,
    lat: b.lat,
    speedMps: b.speed ?? null,
    headingDeg: b.heading ?? null,
    accuracyM: b.accuracy ?? null,
    altitudeM: b.altitude ?? null,
    batteryPct: b.battery ?? null,
  })
  if (!fix.success) throw ParseError.fromZod(fix.error, RENAME)
  return fix.data
}
