import { z } from 'zod'

/** `frigate`: a Frigate review (one alert per review); `frigate-event`: a Frigate event (older Frigate, no reviews). */
export const CAMERA_ALERT_SOURCES = ['frigate', 'frigate-event', 'webhook'] as const
export type CameraAlertSource = (typeof CAMERA_ALERT_SOURCES)[number]

/** Frigate's review severities; only an `alert` opens a camera alert, a `detection` only updates one. */
export const ALERT_SEVERITIES = ['alert', 'detection'] as const
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number]

/**
 * Labels that identify a person or a vehicle rather than say what happened (Frigate's face and plate
 * attributes, LPR/ANPR boxes). Gridwatch does no facial recognition and no profiling: such labels are dropped
 * from a detection's object list and refused as the type of an alert.
 */
const IDENTITY_LABEL = /face|plate|lpr|anpr/i

export function isIdentityLabel(label: string): boolean {
  return IDENTITY_LABEL.test(label)
}

/**
 * The object labels worth keeping: identity labels dropped, Frigate's `-verified` suffix (a recognised face or
 * plate) cut back to the plain label, duplicates removed, order kept.
 */
export function objectLabels(labels: readonly string[]): string[] {
  const out: string[] = []
  for (const raw of labels) {
    const label = raw.replace(/-verified$/, '')
    if (!label || isIdentityLabel(label) || out.includes(label)) continue
    out.push(label)
  }
  return out
}

const label = z.string().trim().min(1).max(64)

/** Which camera: ours by id (webhook), or by its name in a Frigate NVR (`camera.frigate_name`). */
export const cameraRefSchema = z.discriminatedUnion('by', [
  z.object({ by: z.literal('id'), id: z.string().trim().min(1).max(64) }),
  z.object({ by: z.literal('frigate'), name: z.string().trim().min(1).max(64) }),
])
export type CameraRef = z.infer<typeof cameraRefSchema>

/**
 * What an alert may carry besides its type: the scene, never an identity. Unknown keys are stripped, so a
 * sub label (a recognised name), a plate number or face attributes never reach storage.
 */
export const alertAttributesSchema = z.object({
  /** Object labels seen during the alert, first the one that gave it its type. */
  objects: z.array(label).max(32).optional(),
  zones: z.array(z.string().max(64)).max(32).optional(),
  /** Audio labels (Frigate audio detection: scream, glass breaking, ...). */
  audio: z.array(label).max(32).optional(),
  /** The source's own ids of the detections inside the alert (Frigate event ids of a review). */
  detections: z.array(z.string().max(64)).max(64).optional(),
})
export type AlertAttributes = z.infer<typeof alertAttributesSchema>

const url = z.string().max(2048).refine((s) => /^(https?:\/\/|\/)/.test(s), 'expected an http(s) URL or an absolute path')

/**
 * One camera alert, whatever system raised it: the canonical record every camera adapter produces. (source,
 * sourceId) identifies it, so the same alert delivered twice, or updated and ended later, stays one alert.
 */
export const cameraAlertSchema = z
  .object({
    source: z.enum(CAMERA_ALERT_SOURCES),
    sourceId: z.string().trim().min(1).max(200),
    camera: cameraRefSchema,
    type: label.refine((t) => !isIdentityLabel(t), 'face and licence-plate recognition is not accepted'),
    /** Detector confidence 0..1, when the source has one. */
    score: z.number().min(0).max(1).nullable(),
    severity: z.enum(ALERT_SEVERITIES),
    startedAt: z.date(),
    endedAt: z.date().nullable(),
    snapshotUrl: url.nullable(),
    clipUrl: url.nullable(),
    attributes: alertAttributesSchema,
  })
  .refine((a) => !a.endedAt || a.endedAt >= a.startedAt, { message: 'ends before it starts', path: ['endedAt'] })

export type CameraAlert = z.infer<typeof cameraAlertSchema>
