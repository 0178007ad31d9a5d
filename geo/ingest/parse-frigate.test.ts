import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseFrigateEvent, parseFrigateReview } from './parse-frigate.ts'
import { ParseError } from './parse-error.ts'

const sample = (name: string) => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'))
const reviewNew = sample('frigate-review-new.json')
const reviewEnd = sample('frigate-review-end.json')
const eventNew = sample('frigate-event-new.json')
const baseUrl = 'http://frigate.lan:5000/'

describe('parseFrigateReview', () => {
  it('turns the review samples into one alert keyed by the review id, opened and then ended', () => {
    const opened = parseFrigateReview(reviewNew, { baseUrl })!
    const ended = parseFrigateReview(reviewEnd, { baseUrl })!
    expect(opened).toEqual({
      source: 'frigate',
      sourceId: '1763881230.112233-k3x9qp',
      camera: { by: 'frigate', name: 'gate_north' },
      type: 'person',
      score: null,
      severity: 'alert',
      startedAt: new Date('2025-11-23T07:00:30.112Z'),
      endedAt: null,
      snapshotUrl: 'http://frigate.lan:5000/api/events/1763881229.998877-a1b2c3/snapshot.jpg',
      clipUrl: 'http://frigate.lan:5000/api/review/1763881230.112233-k3x9qp/clip.mp4',
      attributes: { objects: ['person'], zones: ['entrance'], audio: [], detections: ['1763881229.998877-a1b2c3'] },
    })
    expect(ended.sourceId).toBe(opened.sourceId)
    expect(ended.endedAt).toEqual(new Date('2025-11-23T07:01:02.504Z'))
    expect(ended.attributes).toMatchObject({ objects: ['person', 'car'], zones: ['entrance', 'road'] })
  })

  it('stores no media URLs without a Frigate base URL', () => {
    expect(parseFrigateReview(reviewNew)).toMatchObject({ snapshotUrl: null, clipUrl: null })
  })

  it('keeps the severity of a detection (the store only updates with it) and ignores non-lifecycle messages', () => {
    const detection = { ...reviewNew, after: { ...reviewNew.after, severity: 'detection' } }
    expect(parseFrigateReview(detection)!.severity).toBe('detection')
    expect(parseFrigateReview({ ...reviewNew, type: 'genai' })).toBeNull()
  })

  it('keeps object labels only: no sub labels, faces, plates or recognition marks', () => {
    const recognised = {
      ...reviewNew,
      after: { ...reviewNew.after, data: { ...reviewNew.after.data, objects: ['face', 'person-verified', 'license_plate', 'car'], sub_labels: ['Jane Doe', 'ABC-1234'] } },
    }
    const alert = parseFrigateReview(recognised)!
    expect(alert.type).toBe('person')
    expect(alert.attributes.objects).toEqual(['person', 'car'])
    expect(JSON.stringify(alert)).not.toMatch(/Jane|ABC-1234|face|plate/)
  })

  it('names every wrong field of a malformed review', () => {
    const err = (() => {
      try {
        parseFrigateReview({ type: 'new', after: { id: '', camera: 'gate_north', start_time: 'x', severity: 'alert' } })
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(ParseError)
    expect((err as ParseError).problems.map((p) => p.path).sort()).toEqual(['after.id', 'after.start_time'])
  })
})

describe('parseFrigateEvent', () => {
  it('turns the event sample into an alert keyed by the event id, with its score and media', () => {
    expect(parseFrigateEvent(eventNew, { baseUrl })).toEqual({
      source: 'frigate-event',
      sourceId: '1763881229.998877-a1b2c3',
      camera: { by: 'frigate', name: 'gate_north' },
      type: 'person',
      score: 0.84,
      severity: 'alert',
      startedAt: new Date('2025-11-23T07:00:29.999Z'),
      endedAt: null,
      snapshotUrl: 'http://frigate.lan:5000/api/events/1763881229.998877-a1b2c3/snapshot.jpg',
      clipUrl: 'http://frigate.lan:5000/api/events/1763881229.998877-a1b2c3/clip.mp4',
      attributes: { objects: ['person'], zones: ['entrance'] },
    })
  })

  it('holds back a false positive and drops face/plate objects', () => {
    expect(parseFrigateEvent({ ...eventNew, after: eventNew.before })).toBeNull()
    expect(parseFrigateEvent({ ...eventNew, after: { ...eventNew.after, label: 'license_plate' } })).toBeNull()
    const named = parseFrigateEvent({ ...eventNew, after: { ...eventNew.after, sub_label: ['Jane Doe', 0.9], recognized_license_plate: 'ABC1234' } })!
    expect(JSON.stringify(named)).not.toMatch(/Jane|ABC1234/)
  })
})
