import { z } from 'zod'
import { positionFixSchema, type PositionFix } from './position-fix.ts'
import { parseDeviceTime } from './parse-time.ts'
import { ParseError } from './parse-error.ts'
import { parseDecimal } from './parse-decimal.ts'

const KNOTS_TO_MPS = 1852 / 3600

/** The protocol's parameters as the API document lists them; parsing itself is lenient about names (below). */
export const osmandWireSchema = z.object({
  id: z.string().describe('device id (older clients: deviceid)'),
  timestamp: z.string().describe('Unix seconds, Unix milliseconds or ISO 8601 with zone'),
  lat: z.string(),
  lon: z.string(),
  speed: z.string().optional().describe('knots'),
  bearing: z.string().optional().describe('degrees (older clients: heading)'),
  altitude: z.string().optional().describe('metres'),
  accuracy: z.string().optional().describe('metres'),
  batt: z.string().optional().describe('percent'),
})

// Our field -> the protocol's name for it, so an error points at what the device actually sent.
const WIRE_NAME: Record<string, string> = {
  deviceId: 'id', deviceTime: 'timestamp', speedMps: 'speed', headingDeg: 'bearing', accuracyM: 'accuracy',
  altitudeM: 'altitude', batteryPct: 'batt',
}

/**
 * The OsmAnd live-tracking protocol as Traccar Client and OsmAnd send it (query string or form body). Speed is
 * in knots, as Traccar Client sends and Traccar reads it. Older clients say `deviceid` and `heading`.
 */
export function parseOsmand(params: Readonly<Record<string, unknown>>): PositionFix {
  const get = (...names: string[]) => {
    for (const n of names) {
      const v = params[n]
      if (typeof v === 'string' && v.trim() !== '') return v.trim()
    }
    return undefined
  }
  const problems: { path: string; message: string }[] = []
  const num = (wire: string, value: string | undefined): number | null => {
    if (value === undefined) return null
    const n = parseDecimal(value)
    // Reported here; NaN (not null, "absent") keeps the field from also being reported missing.
    if (n === null) problems.push({ path: wire, message: `not a number: "${value}"` })
    return n ?? NaN
  }
  const rawTime = get('timestamp')
  const deviceTime = rawTime === undefined ? null : parseDeviceTime(rawTime)
  if (rawTime === undefined) problems.push({ path: 'timestamp', message: 'required' })
  else if (!deviceTime) problems.push({ path: 'timestamp', message: `not a Unix time or ISO 8601 date: "${rawTime}"` })
  const lat = num('lat', get('lat'))
  const lon = num('lon', get('lon'))
  if (lat === null) problems.push({ path: 'lat', message: 'required' })
  if (lon === null) problems.push({ path: 'lon', message: 'required' })
  const speedKn = num('speed', get('speed'))
  const candidate = {
    source: 'osmand' as const,
    deviceId: get('id', 'deviceid') ?? '',
    deviceTime,
    lon,
    lat,
    speedMps: speedKn === null ? null : speedKn * KNOTS_TO_MPS,
    headingDeg: num('bearing', get('bearing', 'heading')),
    accuracyM: num('accuracy', get('accuracy')),
    altitudeM: num('altitude', get('altitude')),
    batteryPct: num('batt', get('batt')),
  }
  if (problems.length) throw new ParseError(problems)
  const parsed = positionFixSchema.safeParse(candidate)
  if (!parsed.success) throw ParseError.fromZod(parsed.error, WIRE_NAME)
  return parsed.data
}
