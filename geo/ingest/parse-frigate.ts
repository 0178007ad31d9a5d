import { z } from 'zod'
import { cameraAlertSchema, objectLabels, type CameraAlert } from './camera-alert.ts'
import { ParseError } from './parse-error.ts'

export interface FrigateOptions {
  /** Where the Frigate UI/API answers (FRIGATE_URL), e.g. `http://frigate.lan:5000`; without it no media URLs. */
  baseUrl?: string
}

const frigateTime = z.number().positive()
const names = z.array(z.string()).default([])

/**
 * `frigate/reviews` (Frigate 0.14+, https://docs.frigate.video/integrations/mqtt): one review item per
 * activity on a camera, `new` then `update`s then `end`, with the whole item in `after`. Unknown fields are
 * ignored; sub labels (recognised faces and plates) are read by nobody.
 */
const reviewMessage = z.looseObject({
  type: z.string(),
  after: z.looseObject({
    id: z.string().min(1).max(200),
    camera: z.string().min(1).max(64),
    start_time: frigateTime,
    end_time: frigateTime.nullish(),
    severity: z.enum(['alert', 'detection']),
    data: z
      .looseObject({ detections: names, objects: names, zones: names, audio: names })
      .default({ detections: [], objects: [], zones: [], audio: [] }),
  }),
})

/** `frigate/events`: one tracked object per event; the fallback for a Frigate too old to publish reviews. */
const eventMessage = z.looseObject({
  type: z.string(),
  after: z.looseObject({
    id: z.string().min(1).max(200),
    camera: z.string().min(1).max(64),
    label: z.string().min(1).max(64),
    start_time: frigateTime,
    end_time: frigateTime.nullish(),
    top_score: z.number().min(0).max(1).nullish(),
    score: z.number().min(0).max(1).nullish(),
    false_positive: z.boolean().default(false),
    has_snapshot: z.boolean().default(false),
    has_clip: z.boolean().default(false),
    entered_zones: names,
  }),
})

const LIFECYCLE = new Set(['new', 'update', 'end'])

const fromSeconds = (s: number) => new Date(Math.round(s * 1000))

function mediaUrl(options: FrigateOptions, path: string): string | null {
  if (!options.baseUrl) return null
  return options.baseUrl.replace(/\/+$/, '') + path
}

function finish(alert: unknown): CameraAlert {
  const parsed = cameraAlertSchema.safeParse(alert)
  if (!parsed.success) throw ParseError.fromZod(parsed.error)
  return parsed.data
}

/**
 * A Frigate review as a camera alert keyed by the review id, or null when the message is not a review's
 * lifecycle (e.g. a GenAI summary). A `detection` review comes back with that severity: the store only
 * updates an alert with it, it never opens one. The snapshot is the first detection's, the clip the review's.
 */
export function parseFrigateReview(message: unknown, options: FrigateOptions = {}): CameraAlert | null {
  const parsed = reviewMessage.safeParse(message)
  if (!parsed.success) throw ParseError.fromZod(parsed.error)
  if (!LIFECYCLE.has(parsed.data.type)) return null
  const r = parsed.data.after
  const objects = objectLabels(r.data.objects)
  const audio = objectLabels(r.data.audio)
  const firstDetection = r.data.detections[0]
  return finish({
    source: 'frigate',
    sourceId: r.id,
    camera: { by: 'frigate', name: r.camera },
    type: objects[0] ?? audio[0] ?? 'activity',
    score: null,
    severity: r.severity,
    startedAt: fromSeconds(r.start_time),
    endedAt: r.end_time ? fromSeconds(r.end_time) : null,
    snapshotUrl: firstDetection ? mediaUrl(options, `/api/events/${encodeURIComponent(firstDetection)}/snapshot.jpg`) : null,
    clipUrl: mediaUrl(options, `/api/review/${encodeURIComponent(r.id)}/clip.mp4`),
    attributes: { objects, zones: r.data.zones, audio, detections: r.data.detections },
  })
}

/**
 * A Frigate event (one tracked object) as a camera alert keyed by the event id, or null while Frigate still
 * deems it a false positive, for a face/plate attribute box, or for a message outside the lifecycle.
 */
export function parseFrigateEvent(message: unknown, options: FrigateOptions = {}): CameraAlert | null {
  const parsed = eventMessage.safeParse(message)
  if (!parsed.success) throw ParseError.fromZod(parsed.error)
  if (!LIFECYCLE.has(parsed.data.type)) return null
  const e = parsed.data.after
  const [label] = objectLabels([e.label])
  if (e.false_positive || !label) return null
  const score = e.top_score || e.score || null
  return finish({
    source: 'frigate-event',
    sourceId: e.id,
    camera: { by: 'frigate', name: e.camera },
    type: label,
    score,
    severity: 'alert',
    startedAt: fromSeconds(e.start_time),
    endedAt: e.end_time ? fromSeconds(e.end_time) : null,
    snapshotUrl: e.has_snapshot ? mediaUrl(options, `/api/events/${encodeURIComponent(e.id)}/snapshot.jpg`) : null,
    clipUrl: e.has_clip ? mediaUrl(options, `/api/events/${encodeURIComponent(e.id)}/clip.mp4`) : null,
    attributes: { objects: [label], zones: e.entered_zones },
  })
}
