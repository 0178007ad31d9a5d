import { createRng, normal, weightedSampler, type Rng } from '../../geo/random.ts'
import { HOUR_SHAPES } from '../demo/incident-profiles.ts'
import type { FrigateReviewItem, FrigateReviewMessage } from './protocols.ts'

/**
 * Camera activity as a Frigate NVR reports it: each review (a stretch of activity on one camera) is published
 * as `new`, then an `update` when more is seen, then `end`. Reviews come as a Poisson process per camera whose
 * rate depends on where the camera hangs and follows the evening-heavy street rhythm; most are routine
 * `detection`s, some are `alert`s (a person in a watched zone, busier at night), and some detections turn into
 * alerts as they go, as Frigate's do. Pure and deterministic for a seed.
 */

export interface SimCamera {
  id: string
  frigateName: string
  placement: string
}

export interface PlannedMessage {
  atMs: number
  message: FrigateReviewMessage
}

export interface CameraAlertOptions {
  seed: string
  startMs: number
  utcOffsetMinutes: number
  /** Multiplies every camera's rate (default 1). */
  rateFactor?: number
}

/** Reviews per hour on an average hour, by placement: busy downtown and public places see the most. */
const REVIEWS_PER_HOUR: Readonly<Record<string, number>> = {
  downtown: 3, public_place: 2, key_place: 1, checkpoint: 1, entrance: 1, main_road: 0.8,
}
const DEFAULT_RATE = 1

type Scene = { objects: readonly (readonly [string, number])[]; zones: readonly string[]; alertShare: number }
const STREET: Scene = {
  objects: [['person', 5], ['car', 4], ['bicycle', 1], ['motorcycle', 1], ['dog', 0.5]],
  zones: ['sidewalk', 'crossing', 'road'], alertShare: 0.2,
}
const SCENES: Readonly<Record<string, Scene>> = {
  entrance: { objects: [['car', 6], ['truck', 2], ['motorcycle', 1], ['person', 0.5]], zones: ['lane_in', 'lane_out', 'shoulder'], alertShare: 0.12 },
  checkpoint: { objects: [['car', 6], ['truck', 1.5], ['motorcycle', 1], ['person', 1]], zones: ['lane_in', 'lane_out', 'inspection'], alertShare: 0.15 },
  main_road: { objects: [['car', 6], ['bus', 1], ['motorcycle', 1.5], ['person', 1], ['bicycle', 0.5]], zones: ['road', 'crossing'], alertShare: 0.12 },
  downtown: STREET,
  public_place: { objects: [['person', 8], ['bicycle', 1], ['dog', 1], ['car', 1]], zones: ['square', 'entrance', 'sidewalk'], alertShare: 0.2 },
  key_place: { objects: [['person', 6], ['car', 2], ['bicycle', 0.5]], zones: ['gate', 'entrance', 'perimeter'], alertShare: 0.35 },
}

const SHAPE = HOUR_SHAPES.evening
const SHAPE_MEAN = SHAPE.reduce((a, b) => a + b, 0) / SHAPE.length
const SHAPE_MAX = Math.max(...SHAPE)
const NIGHT_ALERT_BOOST = 1.6

export class CameraAlertGenerator {
  private readonly rng: Rng
  private readonly cameras: readonly SimCamera[]
  private readonly pick: ((rng: Rng) => number) | null
  /** Candidate reviews per ms at the busiest hour, over all cameras. */
  private readonly peakRatePerMs: number
  private readonly utcOffsetMinutes: number
  private nextCandidateMs: number
  private readonly pending: PlannedMessage[] = []

  constructor(cameras: readonly SimCamera[], options: CameraAlertOptions) {
    this.cameras = cameras
    this.rng = createRng(options.seed, 'camera-alerts')
    this.utcOffsetMinutes = options.utcOffsetMinutes
    const factor = options.rateFactor ?? 1
    const base = cameras.map((c) => (REVIEWS_PER_HOUR[c.placement] ?? DEFAULT_RATE) * factor)
    const total = base.reduce((a, b) => a + b, 0)
    this.pick = total > 0 ? weightedSampler(base) : null
    this.peakRatePerMs = ((total * SHAPE_MAX) / SHAPE_MEAN) / 3_600_000
    this.nextCandidateMs = options.startMs
    this.drawNextCandidate()
  }

  /** Review messages due at or before `tMs`, oldest first; later ones stay planned. */
  take(tMs: number): PlannedMessage[] {
    while (this.pick && this.nextCandidateMs <= tMs) {
      const at = this.nextCandidateMs
      // Thinning: candidates come at the peak rate and are kept in proportion to the hour's rate.
      if (this.rng() * SHAPE_MAX < SHAPE[this.localHour(at)]) this.plan(this.cameras[this.pick(this.rng)], at)
      this.drawNextCandidate()
    }
    let n = 0
    while (n < this.pending.length && this.pending[n].atMs <= tMs) n++
    return this.pending.splice(0, n)
  }

  private drawNextCandidate(): void {
    this.nextCandidateMs += -Math.log(1 - this.rng()) / this.peakRatePerMs
  }

  private localHour(ms: number): number {
    const local = ms + this.utcOffsetMinutes * 60_000
    return Math.floor((((local % 86_400_000) + 86_400_000) % 86_400_000) / 3_600_000)
  }

  private plan(camera: SimCamera, startMs: number): void {
    const rng = this.rng
    const scene = SCENES[camera.placement] ?? STREET
    const sampleObject = () => {
      const total = scene.objects.reduce((a, [, w]) => a + w, 0)
      let x = rng() * total
      for (const [label, w] of scene.objects) if ((x -= w) < 0) return label
      return scene.objects[0][0]
    }
    const hour = this.localHour(startMs)
    const night = hour >= 22 || hour < 6
    const alertShare = Math.min(0.9, scene.alertShare * (night ? NIGHT_ALERT_BOOST : 1))
    const fate = rng()
    // Alert from the start, a detection that becomes one, or a detection throughout.
    const startsAlert = fate < alertShare * 0.7
    const becomesAlert = !startsAlert && fate < alertShare
    const durationS = Math.min(300, Math.max(6, 25 * Math.exp(0.7 * normal(rng))))
    const start = startMs / 1000
    const id = `${start.toFixed(6)}-${this.suffix()}`
    const detection = (t: number) => `${t.toFixed(6)}-${this.suffix()}`
    const first = sampleObject()
    const firstZone = scene.zones[Math.floor(rng() * scene.zones.length)]
    const item: FrigateReviewItem = {
      id,
      camera: camera.frigateName,
      start_time: start,
      end_time: null,
      severity: startsAlert ? 'alert' : 'detection',
      thumb_path: `/media/frigate/clips/review/thumb-${camera.frigateName}-${id}.webp`,
      data: { detections: [detection(start - 0.1 - rng() * 0.2)], objects: [first], sub_labels: [], zones: [firstZone], audio: [] },
    }
    const copy = (x: FrigateReviewItem): FrigateReviewItem => ({ ...x, data: { ...x.data, detections: [...x.data.detections], objects: [...x.data.objects], zones: [...x.data.zones] } })
    const planned: PlannedMessage[] = [{ atMs: startMs + 1000, message: { type: 'new', before: copy(item), after: copy(item) } }]

    let current = item
    // Something else comes into view part-way through, about every other review (and always when it escalates).
    if (becomesAlert || rng() < 0.5) {
      const at = start + durationS * (0.2 + 0.5 * rng())
      const next = copy(current)
      next.data.detections.push(detection(at))
      const other = sampleObject()
      if (!next.data.objects.includes(other)) next.data.objects.push(other)
      const zone = scene.zones[Math.floor(rng() * scene.zones.length)]
      if (!next.data.zones.includes(zone)) next.data.zones.push(zone)
      if (becomesAlert) next.severity = 'alert'
      planned.push({ atMs: Math.round(at * 1000) + 500, message: { type: 'update', before: current, after: next } })
      current = next
    }
    const end = copy(current)
    end.end_time = Number((start + durationS).toFixed(6))
    planned.push({ atMs: Math.round(end.end_time * 1000) + 1000, message: { type: 'end', before: current, after: end } })
    for (const p of planned) this.insert(p)
  }

  private insert(p: PlannedMessage): void {
    let lo = 0
    let hi = this.pending.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.pending[mid].atMs <= p.atMs) lo = mid + 1
      else hi = mid
    }
    this.pending.splice(lo, 0, p)
  }

  /** Frigate's six-character random id part. */
  private suffix(): string {
    const chars = 'abcdefghijklmnopqrstuvwxyz0123456789'
    let s = ''
    for (let i = 0; i < 6; i++) s += chars[Math.floor(this.rng() * chars.length)]
    return s
  }
}
