import { z } from 'zod'
import { cameraAlertSchema, isIdentityLabel, objectLabels, type CameraAlert } from './camera-alert.ts'
import { ParseError } from './parse-error.ts'
import { parseDeviceTime } from './parse-time.ts'

/** Largest snapshot a webhook may upload (decoded bytes). */
export const MAX_SNAPSHOT_BYTES = 2 * 1024 * 1024

const numberish = z.union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/, 'expected a number').transform(Number)])
const TIME_FORMATS = 'expected ISO 8601 with a zone, Unix seconds or Unix milliseconds'
const time = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const d = parseDeviceTime(v)
  if (!d) ctx.addIssue({ code: 'custom', message: TIME_FORMATS })
  return d ?? z.NEVER
})
const list = z.union([z.array(z.string().max(64)).max(32), z.string().transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))])

/**
 * `POST /api/v1/camera-alerts`, as JSON or as the text fields of a multipart form (hence numbers as strings
 * too). Unknown fields are ignored, so whatever face or plate data a box adds is never read.
 */
export const cameraWebhookSchema = z.object({
  /** The sender's id of the alert; the same id sent again updates the same alert. */
  id: z.string().trim().min(1).max(128).optional(),
  cameraId: z.string().trim().min(1).max(64),
  /** What was detected (person, vehicle, fire, smoke, crowd, ...). */
  type: z.string().trim().min(1).max(64).refine((t) => !isIdentityLabel(t), 'face and licence-plate recognition is not accepted'),
  /** When it started: ISO 8601 with a zone, Unix seconds or Unix milliseconds. */
  time,
  endTime: time.optional(),
  /** Confidence 0..1. */
  score: numberish.pipe(z.number().min(0).max(1)).optional(),
  severity: z.enum(['alert', 'detection']).default('alert'),
  zones: list.optional(),
  /** Optional JPEG snapshot, base64 (JSON only; a multipart form uploads it as the file part `snapshot`). */
  snapshot: z
    .string()
    .transform((v, ctx) => {
      const bytes = decodeBase64(v)
      const problem = bytes ? checkJpeg(bytes) : 'expected base64'
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
      return problem ? z.NEVER : bytes!
    })
    .optional(),
})
export type CameraWebhookBody = z.input<typeof cameraWebhookSchema>

export interface ParsedWebhook {
  alert: CameraAlert
  /** The decoded JPEG from a JSON body's `snapshot` field, if any. */
  snapshot: Uint8Array | null
}

/**
 * A webhook alert. Without an `id` the alert is keyed by camera, type and start time, so a retried delivery is
 * still stored once. Throws ParseError naming every wrong field.
 */
export function parseCameraWebhook(fields: unknown): ParsedWebhook {
  const parsed = cameraWebhookSchema.safeParse(fields)
  if (!parsed.success) throw ParseError.fromZod(parsed.error)
  const b = parsed.data
  const startedAt = b.time
  const endedAt = b.endTime ?? null

  const alert = cameraAlertSchema.safeParse({
    source: 'webhook',
    sourceId: `${b.cameraId}:${b.id ?? `${b.type}@${startedAt.toISOString()}`}`,
    camera: { by: 'id', id: b.cameraId },
    type: b.type,
    score: b.score ?? null,
    severity: b.severity,
    startedAt,
    endedAt,
    snapshotUrl: null,
    clipUrl: null,
    attributes: { objects: objectLabels([b.type]), ...(b.zones ? { zones: b.zones } : {}) },
  })
  if (!alert.success) throw ParseError.fromZod(alert.error, { startedAt: 'time', endedAt: 'endTime' })
  return { alert: alert.data, snapshot: b.snapshot ?? null }
}

/** Why these bytes are not an acceptable snapshot, or null if they are. */
export function checkJpeg(bytes: Uint8Array): string | null {
  if (bytes.length > MAX_SNAPSHOT_BYTES) return `snapshot is ${bytes.length} bytes; at most ${MAX_SNAPSHOT_BYTES}`
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) return 'snapshot is not a JPEG'
  return null
}

function decodeBase64(s: string): Uint8Array | null {
  const clean = s.replace(/^data:image\/jpeg;base64,/, '').replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0) return null
  // atob is in every runtime geo/ runs in (Node 16+, browsers); no Buffer here.
  const bin = atob(clean)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}
