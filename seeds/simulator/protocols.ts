import type { SimFix } from './unit-model.ts'

/**
 * What each simulated device puts on the wire, byte for byte the way the real clients do (see the samples in
 * geo/ingest/fixtures): Traccar Client's OsmAnd query string, the OwnTracks app's location JSON, Frigate's review
 * messages, an Open311 form post. Pure, so the tests can feed them to the server's own parsers.
 */

const KNOT_MPS = 1852 / 3600
/** Device ids are sent as the OwnTracks device of this user, as the app does with its X-Limit-U/-D settings. */
export const OWNTRACKS_USER = 'sim'

const fixed = (x: number, digits: number) => Number(x.toFixed(digits))

/** `/ingest/osmand?...` for a GET, as Traccar Client sends it: speed in knots, Unix seconds. */
export function osmandPath(fix: SimFix): string {
  const bearing = (Math.round(fix.headingDeg * 10) / 10) % 360
  return (
    `/ingest/osmand?id=${encodeURIComponent(fix.deviceId)}` +
    `&lat=${fix.lat.toFixed(7)}&lon=${fix.lon.toFixed(7)}&timestamp=${Math.round(fix.timeMs / 1000)}` +
    `&speed=${(fix.speedMps / KNOT_MPS).toFixed(1)}&bearing=${bearing.toFixed(1)}` +
    `&accuracy=${fix.accuracyM.toFixed(1)}&batt=${Math.round(fix.batteryPct)}`
  )
}

/** OwnTracks `_type: location` (https://owntracks.org/booklet/tech/json/). */
export interface OwnTracksLocation {
  _type: 'location'
  lat: number
  lon: number
  tst: number
  acc: number
  /** km/h */
  vel: number
  cog: number
  batt: number
  tid: string
}

/** The app sends whole numbers for accuracy, velocity (km/h), course and battery. */
export function ownTracksLocation(fix: SimFix): OwnTracksLocation {
  return {
    _type: 'location',
    lat: fixed(fix.lat, 7),
    lon: fixed(fix.lon, 7),
    tst: Math.round(fix.timeMs / 1000),
    acc: Math.round(fix.accuracyM),
    vel: Math.round(fix.speedMps * 3.6),
    cog: Math.round(fix.headingDeg) % 360,
    batt: Math.round(fix.batteryPct),
    tid: trackerId(fix.deviceId),
  }
}

/** OwnTracks' two-character tracker id, shown on the map: the device id's last two characters. */
export function trackerId(deviceId: string): string {
  return deviceId.slice(-2).padStart(2, '0')
}

export function ownTracksTopic(deviceId: string): string {
  return `owntracks/${OWNTRACKS_USER}/${deviceId}`
}

/** Headers of an OwnTracks HTTP-mode post: the app names user and device in them. */
export function ownTracksHttpHeaders(deviceId: string): Record<string, string> {
  return { 'Content-Type': 'application/json', 'X-Limit-U': OWNTRACKS_USER, 'X-Limit-D': deviceId }
}

/** Frigate's review item (`frigate/reviews`, Frigate 0.14+), keys in Frigate's order. */
export interface FrigateReviewItem {
  id: string
  camera: string
  start_time: number
  end_time: number | null
  severity: 'alert' | 'detection'
  thumb_path: string
  data: {
    detections: string[]
    objects: string[]
    sub_labels: string[]
    zones: string[]
    audio: string[]
  }
}

export interface FrigateReviewMessage {
  type: 'new' | 'update' | 'end'
  before: FrigateReviewItem
  after: FrigateReviewItem
}

export const FRIGATE_REVIEWS_TOPIC = 'frigate/reviews'

export interface CitizenReport {
  /** A category code (Open311 service_code). */
  serviceCode: string
  lon: number
  lat: number
  description: string
  address: string | null
}

export const OPEN311_PATH = '/open311/v2/requests.json'
export const OPEN311_JURISDICTION = 'demo-city'
/** Reports carry this api_key, so the server records them as coming from one client: the simulator. */
export const OPEN311_API_KEY = 'gridwatch-simulator'

/** The form body of POST requests.json, fields in the sample's order (no contact details: least data). */
export function open311Form(report: CitizenReport): string {
  const form = new URLSearchParams()
  form.set('jurisdiction_id', OPEN311_JURISDICTION)
  form.set('service_code', report.serviceCode)
  form.set('lat', report.lat.toFixed(5))
  form.set('long', report.lon.toFixed(5))
  if (report.address) form.set('address_string', report.address)
  form.set('description', report.description)
  form.set('api_key', OPEN311_API_KEY)
  return form.toString()
}
