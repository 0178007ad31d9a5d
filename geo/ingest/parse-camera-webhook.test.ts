import { describe, expect, it } from 'vitest'
import { checkJpeg, MAX_SNAPSHOT_BYTES, parseCameraWebhook } from './parse-camera-webhook.ts'
import { ParseError } from './parse-error.ts'

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46])
const base64 = (b: Uint8Array) => btoa(String.fromCharCode(...b))
const problems = (fields: unknown) => {
  try {
    parseCameraWebhook(fields)
  } catch (err) {
    if (err instanceof ParseError) return err.problems
    throw err
  }
  return []
}

describe('parseCameraWebhook', () => {
  it('accepts a JSON alert and keys it by camera and the sender id', () => {
    const { alert, snapshot } = parseCameraWebhook({ id: 'evt-77', cameraId: 'cam-0001', type: 'smoke', time: '2026-11-23T10:00:00Z', score: 0.91, zones: ['yard'] })
    expect(snapshot).toBeNull()
    expect(alert).toEqual({
      source: 'webhook', sourceId: 'cam-0001:evt-77', camera: { by: 'id', id: 'cam-0001' }, type: 'smoke', score: 0.91,
      severity: 'alert', startedAt: new Date('2026-11-23T10:00:00Z'), endedAt: null, snapshotUrl: null, clipUrl: null,
      attributes: { objects: ['smoke'], zones: ['yard'] },
    })
  })

  it('accepts form fields as strings and Unix times, and keys an alert without id by camera, type and time', () => {
    const { alert } = parseCameraWebhook({ cameraId: 'cam-0002', type: 'person', time: '1795428000', endTime: '1795428030000', score: '0.5', zones: 'gate, road' })
    expect(alert.sourceId).toBe('cam-0002:person@2026-11-23T10:00:00.000Z')
    expect(alert.endedAt).toEqual(new Date('2026-11-23T10:00:30Z'))
    expect(alert.score).toBe(0.5)
    expect(alert.attributes.zones).toEqual(['gate', 'road'])
  })

  it('decodes a base64 JPEG snapshot and refuses anything else', () => {
    expect(parseCameraWebhook({ cameraId: 'c', type: 'fire', time: 1795428000, snapshot: base64(JPEG) }).snapshot).toEqual(JPEG)
    expect(problems({ cameraId: 'c', type: 'fire', time: 1795428000, snapshot: btoa('GIF89a....') })).toEqual([{ path: 'snapshot', message: 'snapshot is not a JPEG' }])
    expect(problems({ cameraId: 'c', type: 'fire', time: 1795428000, snapshot: '%%%' })).toEqual([{ path: 'snapshot', message: 'expected base64' }])
  })

  it('names every wrong field at once', () => {
    expect(problems({ type: '', time: 'yesterday', score: 3 }).map((p) => p.path).sort()).toEqual(['cameraId', 'score', 'time', 'type'])
    expect(problems({ cameraId: 'c', type: 'person', time: 'yesterday' })).toEqual([
      { path: 'time', message: 'expected ISO 8601 with a zone, Unix seconds or Unix milliseconds' },
    ])
    expect(problems({ cameraId: 'c', type: 'person', time: 1795428000, endTime: 1795427000 })).toEqual([{ path: 'endTime', message: 'ends before it starts' }])
  })

  it('refuses face and plate recognition and never keeps identity fields', () => {
    expect(problems({ cameraId: 'c', type: 'face_match', time: 1795428000 })).toEqual([
      { path: 'type', message: 'face and licence-plate recognition is not accepted' },
    ])
    expect(problems({ cameraId: 'c', type: 'license_plate', time: 1795428000 })).toHaveLength(1)
    const { alert } = parseCameraWebhook({ cameraId: 'c', type: 'vehicle', time: 1795428000, plate: 'ABC1234', face: { name: 'Jane' } })
    expect(JSON.stringify(alert)).not.toMatch(/ABC1234|Jane/)
  })

  it('caps snapshots at 2 MiB', () => {
    const big = new Uint8Array(MAX_SNAPSHOT_BYTES + 1)
    big.set(JPEG)
    expect(checkJpeg(big)).toMatch(/at most 2097152/)
    expect(checkJpeg(big.subarray(0, MAX_SNAPSHOT_BYTES))).toBeNull()
  })
})
