import { createRng, normal, type Rng } from '../../geo/random.ts'
import { shortestPath } from '../../geo/routing/shortest-path.ts'
import { HOUR_SHAPES } from '../demo/incident-profiles.ts'
import { isOnDuty, nextShiftStart, type ShiftHours } from './duty.ts'
import type { Graphs, RoadNetwork } from './road-network.ts'
import { DEFAULT_REPORT_INTERVALS, graphOf, unitProfile, type ReportIntervals, type UnitProfile } from './unit-profiles.ts'

/**
 * One simulated unit: where it is at any instant and what its tracker reports. Pure and deterministic: the
 * same network, spec, seed and sequence of report times give the same fixes, whatever else runs. Movement is
 * evaluated lazily, only when a fix is due, so between fixes a unit costs nothing.
 *
 * On duty a unit leaves its base after a briefing, drives (or walks) a shortest route to a random point of
 * its patrol area, stops there a while, and picks the next; at a junction it may wait for lights or traffic.
 * When the shift ends it finishes the stop it is at, returns to base and switches its tracker off until its
 * next shift: a person's position is reported only on duty.
 */

export interface UnitSpec {
  unitId: string
  deviceId: string
  type: string
  /** Null: always on duty. */
  shift: ShiftHours | null
  /** Where the unit is when the simulation starts (its last known position, or its base). */
  start: { lon: number; lat: number }
  /** Where it goes back to off duty: its station, or for staff based in a grid, where they start from. */
  base: { lon: number; lat: number }
}

export interface UnitModelOptions {
  seed: string
  /** Simulation start (ms since the epoch). */
  startMs: number
  utcOffsetMinutes: number
  reportIntervals?: ReportIntervals
}

/** A fix as the tracker would send it, plus the truth behind it (for tests and statistics; never sent). */
export interface SimFix {
  unitId: string
  deviceId: string
  /** Whole seconds, ms since the epoch. */
  timeMs: number
  lon: number
  lat: number
  speedMps: number
  headingDeg: number
  accuracyM: number
  batteryPct: number
  trueLon: number
  trueLat: number
  trueSpeedMps: number
  /** Class of the road the unit is on, null at a junction or a stop. */
  roadClass: string | null
  /** A multipath jump: the fix is 30-80 m off the truth. */
  outlier: boolean
}

export type UnitActivity = 'off' | 'briefing' | 'moving' | 'waiting' | 'stopped'

const MINUTE_MS = 60_000
const KMH = 1 / 3.6
/** How long GPS error stays correlated (seconds): consecutive fixes wander together, as real ones do. */
const NOISE_TAU_S = 30
const NOISE_SIGMA_M: Record<UnitProfile['travel'], number> = { car: 3, bike: 4, foot: 5 }
const OUTLIER_P: Record<UnitProfile['travel'], number> = { car: 0.004, bike: 0.006, foot: 0.008 }
const DROPOUT_P = 0.0015
const WALK_MPS = [1.15, 1.5] as const
const BIKE_KMH = [14, 20] as const
/** Rush hours slow traffic down to this share of free flow at the peak. */
const RUSH_HOUR_FLOW = 0.7
const COMMUTE = HOUR_SHAPES.commute
const COMMUTE_MIN = Math.min(...COMMUTE)
const COMMUTE_MAX = Math.max(...COMMUTE)
const MAX_ROUTE_S = 3600

export class UnitModel {
  readonly spec: UnitSpec
  readonly profile: UnitProfile
  /** Seconds between fixes. */
  readonly intervalS: number
  private readonly net: RoadNetwork
  private readonly graph: Graphs
  private readonly rng: Rng
  private readonly utcOffsetMinutes: number
  readonly baseNode: number
  /** A driver's own pace relative to the traffic. */
  private readonly pace: number

  // Where the unit is: at `node` when edge < 0, else `offset` metres along route edge `edge` in travel direction.
  private node: number
  private route: number[] = []
  private routeForward: boolean[] = []
  private leg = 0
  private edge = -1
  private forward = true
  private offset = 0
  private vertexHint = 0
  private speedMps = 0
  /** Time up to which the state is computed. */
  private t: number
  private waitUntil = 0
  private activity: UnitActivity = 'off'
  private returning = false

  // The tracker.
  private headingDeg: number
  private noiseX = 0
  private noiseY = 0
  private lastNoiseT = 0
  private battery = 100
  private dropoutUntil = 0
  private readonly out = { lon: 0, lat: 0, bearing: 0 }

  constructor(net: RoadNetwork, spec: UnitSpec, options: UnitModelOptions) {
    this.net = net
    this.spec = spec
    this.profile = unitProfile(spec.type)
    this.graph = graphOf(this.profile.travel)
    const intervals = options.reportIntervals ?? DEFAULT_REPORT_INTERVALS
    this.intervalS = this.profile.travel === 'foot' ? intervals.footS : intervals.vehicleS
    this.rng = createRng(options.seed, `unit:${spec.unitId}`)
    this.utcOffsetMinutes = options.utcOffsetMinutes
    const base = net.nearestNode(this.graph, spec.base.lon, spec.base.lat)
    if (base === null) throw new RangeError('the road network has no nodes')
    this.baseNode = base
    this.pace = clamp(1 + 0.06 * normal(this.rng), 0.88, 1.12)
    this.headingDeg = Math.floor(this.rng() * 360)
    this.t = options.startMs
    this.lastNoiseT = options.startMs

    if (this.onDuty(this.t)) {
      this.node = net.nearestNode(this.graph, spec.start.lon, spec.start.lat) ?? base
      this.activity = 'stopped'
      this.battery = this.profile.travel === 'car' ? 100 : 55 + 40 * this.rng()
      // Caught in the middle of a shift: about half under way, the rest part-way through a patrol stop, so
      // the force neither sets off in step nor waits minutes to look alive.
      this.waitUntil = this.rng() < 0.5 ? this.t : this.t + this.rng() * this.stopMs()
    } else {
      // Off duty at start: at base with the tracker off, wherever it was last seen.
      this.node = base
      this.enterOff()
    }
  }

  /** What the unit is doing at the time it was last advanced to. */
  get state(): UnitActivity {
    return this.activity
  }

  /** The fix due at `tMs` (whole seconds), or null when the tracker is off or has no signal. */
  report(tMs: number): SimFix | null {
    this.advance(tMs)
    if (this.activity === 'off') return null
    const dtS = Math.max(0, (tMs - this.lastNoiseT) / 1000)
    this.lastNoiseT = tMs
    this.battery = Math.max(this.profile.travel === 'car' ? 95 : 8, this.battery - (this.profile.travel === 'car' ? 0 : dtS * (7 / 3600)))
    // The error drifts (first-order autoregressive); it is drawn even in a dropout so it keeps its rhythm.
    const sigma = NOISE_SIGMA_M[this.profile.travel]
    const rho = Math.exp(-dtS / NOISE_TAU_S)
    const fresh = sigma * Math.sqrt(1 - rho * rho)
    this.noiseX = rho * this.noiseX + fresh * normal(this.rng)
    this.noiseY = rho * this.noiseY + fresh * normal(this.rng)

    if (tMs < this.dropoutUntil) return null
    if (this.rng() < DROPOUT_P) {
      // Under a bridge, in a car park, a phone in a pocket: 20 s to 3 min without a fix.
      this.dropoutUntil = tMs + (20 + 160 * this.rng()) * 1000
      return null
    }

    this.position(this.out)
    const moving = this.activity === 'moving'
    if (moving) this.headingDeg = this.out.bearing
    let dx = this.noiseX
    let dy = this.noiseY
    let accuracy = Math.max(3, sigma * (1.6 + 0.4 * Math.abs(normal(this.rng))))
    const outlier = this.rng() < OUTLIER_P[this.profile.travel]
    if (outlier) {
      const r = 30 + 50 * this.rng()
      const a = 2 * Math.PI * this.rng()
      dx += r * Math.sin(a)
      dy += r * Math.cos(a)
      // Multipath fools the receiver about its own error half the time.
      if (this.rng() < 0.5) accuracy = r * (0.6 + 0.6 * this.rng())
    }
    const trueSpeed = moving ? this.speedMps : 0
    const speed = moving ? Math.max(0, trueSpeed * (1 + 0.03 * normal(this.rng)) + 0.15 * normal(this.rng)) : Math.abs(0.15 * normal(this.rng))
    const heading = (((this.headingDeg + (moving ? 2 * normal(this.rng) : 0)) % 360) + 360) % 360
    return {
      unitId: this.spec.unitId,
      deviceId: this.spec.deviceId,
      timeMs: tMs,
      lon: this.out.lon + dx / this.net.metresPerLon,
      lat: this.out.lat + dy / this.net.metresPerLat,
      speedMps: speed,
      headingDeg: heading,
      accuracyM: Math.round(accuracy),
      batteryPct: Math.round(this.battery),
      trueLon: this.out.lon,
      trueLat: this.out.lat,
      trueSpeedMps: trueSpeed,
      roadClass: moving && this.edge >= 0 ? this.net.roadClass[this.edge] : null,
      outlier,
    }
  }

  /** When the next fix is due after one at `tMs`: the next interval, or when an off-duty unit starts again. */
  nextReportAfter(tMs: number): number {
    const next = tMs + this.intervalS * 1000
    if (this.activity !== 'off' || this.waitUntil <= next) return next
    return Math.ceil(this.waitUntil / 1000) * 1000
  }

  /** Moves the unit forward to `tMs`. Times before the current one are ignored. */
  advance(tMs: number): void {
    // Each pass moves to the next event (end of a wait, end of an edge) or to tMs; a guard bounds pathological cases.
    for (let guard = 0; this.t < tMs && guard < 100_000; guard++) {
      if (this.waitUntil > this.t) {
        if (this.waitUntil >= tMs) {
          this.t = tMs
          return
        }
        this.t = this.waitUntil
        if (this.activity === 'off') continue
        // A wait at a junction ends: drive on.
        if (this.edge >= 0) this.activity = 'moving'
      }
      if (this.edge < 0) {
        this.decide()
        continue
      }
      const remaining = this.net.lengthM[this.edge] - this.offset
      const reach = (this.speedMps * (tMs - this.t)) / 1000
      if (remaining <= reach) {
        this.t += (remaining / this.speedMps) * 1000
        this.arrive()
      } else {
        this.offset += reach
        this.t = tMs
      }
    }
  }

  private onDuty(ms: number): boolean {
    return isOnDuty(this.spec.shift, ms, this.utcOffsetMinutes)
  }

  private enterOff(): void {
    this.activity = 'off'
    this.returning = false
    this.edge = -1
    this.route = []
    this.waitUntil = this.spec.shift ? nextShiftStart(this.spec.shift, this.t, this.utcOffsetMinutes) : this.t
  }

  /** At a node with nothing planned: start the shift, go home, or pick the next patrol point. */
  private decide(): void {
    if (!this.onDuty(this.t)) {
      if (this.node === this.baseNode || this.activity === 'off') {
        this.node = this.baseNode
        this.enterOff()
        return
      }
      const path = shortestPath(this.net.graph(this.graph), this.node, this.baseNode)
      if (!path || path.edges.length === 0) {
        this.node = this.baseNode
        this.enterOff()
        return
      }
      this.returning = true
      this.follow(path.edges, path.nodes)
      return
    }
    if (this.activity === 'off') {
      // Shift starts: briefing at base, a fresh battery.
      this.activity = 'briefing'
      this.battery = this.profile.travel === 'car' ? 100 : 92 + 8 * this.rng()
      this.waitUntil = this.t + (5 + 10 * this.rng()) * MINUTE_MS
      return
    }
    for (let attempt = 0; attempt < 8; attempt++) {
      const dest = this.pickDestination()
      if (dest === null || dest === this.node) continue
      const path = shortestPath(this.net.graph(this.graph), this.node, dest, { maxCostS: MAX_ROUTE_S })
      if (!path || path.edges.length === 0) continue
      this.follow(path.edges, path.nodes)
      return
    }
    // Nowhere to go (a tiny network): stay a minute and try again.
    this.activity = 'stopped'
    this.waitUntil = this.t + MINUTE_MS
  }

  private pickDestination(): number | null {
    const net = this.net
    const b = net.nodeIdx(this.baseNode)
    const [bx, by] = net.xy(net.nodeLon[b], net.nodeLat[b])
    const r = this.profile.patrolRadiusM * Math.sqrt(this.rng())
    const a = 2 * Math.PI * this.rng()
    const [lon, lat] = net.fromXy(bx + r * Math.sin(a), by + r * Math.cos(a))
    const major = this.profile.prefersMajorRoads && this.rng() < 0.8
    return net.nearestNode(this.graph, lon, lat, major ? (id) => net.nodeMajor[net.nodeIdx(id)] === 1 : undefined)
  }

  private follow(edgeIds: number[], nodes: number[]): void {
    this.route = edgeIds.map((id) => this.net.edgeIdx(id))
    this.routeForward = this.route.map((e, i) => this.net.source[e] === nodes[i])
    this.leg = 0
    this.enterEdge()
  }

  private enterEdge(): void {
    const e = this.route[this.leg]
    this.edge = e
    this.forward = this.routeForward[this.leg]
    this.offset = 0
    this.vertexHint = this.forward ? this.net.vStart[e] : this.net.vStart[e + 1] - 2
    this.speedMps = this.cruiseSpeed(e)
    this.activity = 'moving'
    // Lights and traffic at the junction before the edge.
    const p = this.profile.travel === 'foot' ? 0.08 : this.net.major[e] ? 0.18 : 0.06
    if (this.leg > 0 && this.rng() < p) {
      this.waitUntil = this.t + (5 + 35 * this.rng()) * 1000
      this.activity = 'waiting'
    }
  }

  private arrive(): void {
    const e = this.edge
    this.node = this.forward ? this.net.target[e] : this.net.source[e]
    this.leg++
    if (this.leg < this.route.length) {
      this.enterEdge()
      return
    }
    this.edge = -1
    this.route = []
    if (this.returning) {
      this.returning = false
      this.enterOff()
      return
    }
    this.activity = 'stopped'
    this.waitUntil = this.t + this.stopMs()
  }

  private stopMs(): number {
    const minutes = clamp(this.profile.stopMinutes * Math.exp(0.6 * normal(this.rng)), 0.5, 60)
    return minutes * MINUTE_MS
  }

  private cruiseSpeed(e: number): number {
    const travel = this.profile.travel
    if (travel === 'foot') return WALK_MPS[0] + (WALK_MPS[1] - WALK_MPS[0]) * this.rng()
    const noise = clamp(1 + 0.1 * normal(this.rng), 0.75, 1.25)
    let kmh = this.net.speedKmh[e]
    if (travel === 'bike') kmh = Math.min(kmh, BIKE_KMH[0] + (BIKE_KMH[1] - BIKE_KMH[0]) * this.rng())
    else kmh *= this.pace * this.flow()
    return Math.max(1, kmh * noise * KMH)
  }

  /** Share of free-flow speed traffic allows at this local hour. */
  private flow(): number {
    const local = this.t + this.utcOffsetMinutes * MINUTE_MS
    const hour = Math.floor(((local % 86_400_000) + 86_400_000) % 86_400_000 / 3_600_000)
    const rush = (COMMUTE[hour] - COMMUTE_MIN) / (COMMUTE_MAX - COMMUTE_MIN)
    return 1 - (1 - RUSH_HOUR_FLOW) * rush
  }

  /** True position and travel bearing now. */
  private position(out: { lon: number; lat: number; bearing: number }): void {
    const net = this.net
    if (this.edge < 0) {
      const i = net.nodeIdx(this.node)
      out.lon = net.nodeLon[i]
      out.lat = net.nodeLat[i]
      out.bearing = this.headingDeg
      return
    }
    const e = this.edge
    const first = net.vStart[e]
    const last = net.vStart[e + 1] - 1
    const len = net.lengthM[e]
    // Distance from the edge's start vertex, whichever way it is driven.
    const d = this.forward ? this.offset : len - this.offset
    let v = Math.min(Math.max(this.vertexHint, first), last - 1)
    while (v < last - 1 && net.vCum[v + 1] < d) v++
    while (v > first && net.vCum[v] > d) v--
    this.vertexHint = v
    const segment = net.vCum[v + 1] - net.vCum[v]
    const f = segment > 0 ? Math.min(1, Math.max(0, (d - net.vCum[v]) / segment)) : 0
    out.lon = net.vLon[v] + (net.vLon[v + 1] - net.vLon[v]) * f
    out.lat = net.vLat[v] + (net.vLat[v + 1] - net.vLat[v]) * f
    const b = net.vBearing[v]
    out.bearing = this.forward ? b : (b + 180) % 360
  }
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x
}
