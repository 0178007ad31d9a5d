import type { CameraAlert } from '../../geo/ingest/camera-alert.ts'
import { ParseError } from '../../geo/ingest/parse-error.ts'
import { parseFrigateEvent, parseFrigateReview } from '../../geo/ingest/parse-frigate.ts'
import { parseOwnTracks } from '../../geo/ingest/parse-owntracks.ts'
import { FEEDS } from '../ingest/feed-health.ts'
import type { PositionSink } from '../ingest/coalesced-positions.ts'
import type { MqttRoute } from './topic-router.ts'

/** What the MQTT feeds need of the alert store (AlertIngest). */
export interface AlertSink {
  submit(alert: CameraAlert): Promise<unknown>
  hasSource(source: 'frigate'): Promise<boolean>
}

function json(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'))
  } catch (err) {
    throw new ParseError([{ path: '', message: `payload is not JSON: ${(err as Error).message}` }])
  }
}

/**
 * OwnTracks in MQTT mode: `owntracks/<user>/<device>`, the device naming our tracker. Locations go through the
 * position pipeline; the app's other messages (lwt, transition, waypoint, card, status) and the empty payload
 * that clears a retained message hold no position and are acknowledged as they are.
 */
export function ownTracksRoute(positions: PositionSink): MqttRoute {
  return {
    feed: FEEDS.ownTracksMqtt,
    filter: 'owntracks/+/+',
    // Each fix carries its time; the pipeline orders a submission by it and never moves a unit back.
    inOrder: false,
    async handle(topic, payload) {
      if (payload.length === 0) return
      const message = json(payload) as { _type?: unknown } | null
      if (typeof message !== 'object' || message === null || Array.isArray(message) || typeof message._type !== 'string') {
        throw new ParseError([{ path: '_type', message: 'expected an OwnTracks JSON object with _type' }])
      }
      if (message._type !== 'location') return
      await positions.submit([parseOwnTracks(message, topic)])
    },
  }
}

export interface FrigateFeedOptions {
  /** FRIGATE_URL, for the snapshot and clip URLs stored with each alert. */
  baseUrl?: string
  /** Frigate's mqtt.topic_prefix (default `frigate`). */
  topic?: string
  /**
   * `frigate/events` (one alert per tracked object) is for a Frigate older than 0.14, which has no reviews.
   * `fallback` (default): used until this Frigate is seen to publish reviews (now or in the stored alerts);
   * `always` / `never`.
   */
  events?: 'fallback' | 'always' | 'never'
}

/**
 * Frigate NVR: `frigate/reviews` opens one alert per review of severity `alert` (keyed by the review id) and
 * updates/ends it on `update`/`end`; `frigate/events` stands in for reviews on an older Frigate.
 */
export async function frigateRoutes(alerts: AlertSink, options: FrigateFeedOptions = {}): Promise<MqttRoute[]> {
  const prefix = options.topic ?? 'frigate'
  const events = options.events ?? 'fallback'
  let reviewsSeen = events === 'fallback' ? await alerts.hasSource('frigate') : false
  return [
    {
      feed: FEEDS.frigate,
      filter: `${prefix}/reviews`,
      // One topic carries every review's new, update and end.
      inOrder: true,
      async handle(_topic, payload) {
        const alert = parseFrigateReview(json(payload), { baseUrl: options.baseUrl })
        reviewsSeen = true
        if (alert) await alerts.submit(alert)
      },
    },
    {
      feed: FEEDS.frigate,
      filter: `${prefix}/events`,
      inOrder: true,
      async handle(_topic, payload) {
        if (events === 'never' || (events === 'fallback' && reviewsSeen)) return
        const alert = parseFrigateEvent(json(payload), { baseUrl: options.baseUrl })
        if (alert) await alerts.submit(alert)
      },
    },
  ]
}
