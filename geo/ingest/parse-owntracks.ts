import { z } from 'zod'
import { positionFixSchema, type PositionFix } from './position-fix.ts'
import { ParseError } from './parse-error.ts'

const KMH_TO_MPS = 1000 / 3600

/** OwnTracks `_type: location` (https://owntracks.org/booklet/tech/json/); unknown fields are ignored. */
export const ownTracksLocation = z.looseObject({
  _type: z.literal('location'),
  lat: z.number(),
  lon: z.number(),
  tst: z.number().int().positive(),
  acc: z.number().optional(),
  alt: z.number().optional(),
  vel: z.number().optional(),
  cog: z.number().optional(),
  batt: z.number().optional(),
  tid: z.string().optional(),
  topic: z.string().optional(),
})

const OWNTRACKS_ROOT = 'owntracks/'

/** `owntracks/<user>/<device>` -> `<device>`: the device part names our tracker. */
export function deviceFromOwnTracksTopic(topic: string): string | null {
  // Read in place rather than split: every MQTT location passes here.
  if (!topic.startsWith(OWNTRACKS_ROOT)) return null
  const user = topic.indexOf('/', OWNTRACKS_ROOT.length)
  if (user === -1) return null
  const end = topic.indexOf('/', user + 1)
  const device = end === -1 ? topic.slice(user + 1) : topic.slice(user + 1, end)
  return device || null
}

/**
 * An OwnTracks location. The device comes from the MQTT topic, or in HTTP mode from the `topic` field in the
 * message (the HTTP route builds a topic from the app's X-Limit-U/X-Limit-D headers when there is none).
 * Velocity is km/h.
 */
export function parseOwnTracks(message: unknown, topic?: string): PositionFix {
  const parsed = ownTracksLocation.safeParse(message)
  if (!parsed.success) throw ParseError.fromZod(parsed.error)
  const m = parsed.data
  const deviceId = deviceFromOwnTracksTopic(topic ?? m.topic ?? '')
  if (!deviceId) throw new ParseError([{ path: 'topic', message: 'expected owntracks/<user>/<device>' }])
  const fix = positionFixSchema.safeParse({
    source: 'owntracks',
    deviceId,
    deviceTime: new Date(m.tst * 1000),
    lon: m.lon,
    lat: m.lat,
    speedMps: m.vel === undefined ? null : m.vel * KMH_TO_MPS,
    headingDeg: m.cog ?? null,
    accuracyM: m.acc ?? null,
    altitudeM: m.alt ?? null,
    batteryPct: m.batt ?? null,
  })
  if (!fix.success) {
    throw ParseError.fromZod(fix.error, { speedMps: 'vel', headingDeg: 'cog', accuracyM: 'acc', altitudeM: 'alt', batteryPct: 'batt', deviceTime: 'tst' })
  }
  return fix.data
}
