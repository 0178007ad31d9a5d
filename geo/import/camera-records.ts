import { z } from 'zod'
import type { ImportIssue, Place } from './import-report.ts'
import { duplicateIssues, fieldIssues, numberField, textField, type RecordColumns, type SourceRecord } from './source-records.ts'

/** The values the camera table's CHECK constraints allow (migration 0002_core.sql); a test holds them equal. */
export const CAMERA_PLACEMENTS = ['main_road', 'key_place', 'entrance', 'checkpoint', 'downtown', 'public_place'] as const
export const CAMERA_STATUSES = ['online', 'offline', 'maintenance'] as const
/** How a browser plays the stream (migration 0011): an HLS playlist or a WHEP endpoint of go2rtc/MediaMTX. */
export const STREAM_KINDS = ['hls', 'whep'] as const

export const CAMERA_COLUMNS: RecordColumns = {
  header: [
    'id', 'name', 'name_en', 'lon', 'lat', 'heading_deg', 'fov_deg', 'range_m', 'placement', 'owner', 'frigate_name', 'stream_url',
    'stream_kind', 'status',
  ],
  required: ['id', 'name', 'lon', 'lat', 'heading_deg', 'fov_deg', 'range_m', 'placement', 'owner'],
  position: ['lon', 'lat'],
}

const oneOf = (values: readonly string[]) => ({ error: `must be one of ${values.join(', ')}` })

const isUrl = (s: string) => URL.canParse(s)

export const cameraRecordSchema = z
  .object({
    id: textField,
    name: textField,
    name_en: textField.optional(),
    lon: numberField((n) => n.min(-180, 'must be -180…180').max(180, 'must be -180…180')),
    lat: numberField((n) => n.min(-90, 'must be -90…90').max(90, 'must be -90…90')),
    heading_deg: numberField((n) => n.min(0, 'must be 0…360').max(360, 'must be 0…360')),
    fov_deg: numberField((n) => n.min(1, 'must be 1…360').max(360, 'must be 1…360')),
    range_m: numberField((n) => n.positive('must be more than 0')),
    placement: z.enum(CAMERA_PLACEMENTS, oneOf(CAMERA_PLACEMENTS)),
    owner: textField,
    frigate_name: textField.optional(),
    stream_url: textField.pipe(z.string().refine(isUrl, 'must be a URL such as rtsp://host/path')).optional(),
    stream_kind: z.enum(STREAM_KINDS, oneOf(STREAM_KINDS)).optional(),
    // A new camera is assumed working until its health checks say otherwise, as the table's default does.
    status: z.enum(CAMERA_STATUSES, oneOf(CAMERA_STATUSES)).default('online'),
  })
  // A browser plays only what it can fetch: a kind names an http(s) stream_url.
  .refine((c) => c.stream_kind === undefined || /^https?:\/\//.test(c.stream_url ?? ''), {
    path: ['stream_kind'],
    message: 'needs an http(s) stream_url (an HLS playlist or a WHEP endpoint)',
  })

export type CameraRecord = z.infer<typeof cameraRecordSchema> & { place: Place }

/** Field checks, then ids and Frigate names unique in the file (Frigate events find their camera by name). */
export function checkCameraRecords(records: readonly SourceRecord[]): { cameras: CameraRecord[]; issues: ImportIssue[] } {
  const cameras: CameraRecord[] = []
  const issues: ImportIssue[] = []
  for (const r of records) {
    const parsed = cameraRecordSchema.safeParse(r.fields)
    if (parsed.success) cameras.push({ ...parsed.data, place: r.place })
    else issues.push(...fieldIssues(parsed.error, r.place))
  }
  issues.push(
    ...duplicateIssues(cameras, (c) => c.id, (c) => c.place, 'id'),
    ...duplicateIssues(cameras, (c) => c.frigate_name, (c) => c.place, 'frigate_name'),
  )
  return { cameras, issues }
}
