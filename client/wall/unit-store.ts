/**
 * Every patrol unit the wall draws, in typed arrays indexed by a dense slot number: the live frames write fixes
 * in, animation frames move every unit along the segment from where it was drawn to its newest fix (in steps
 * too small to see), and deck.gl reads the position, angle, colour and size arrays as binary attributes. Nothing here
 * allocates per unit per frame, so 10,000 units cost a loop over flat arrays, not 10,000 objects.
 */

export const UNIT_STATUSES = ['available', 'dispatched', 'en_route', 'on_scene', 'cleared', 'out_of_service', 'unknown'] as const
export type UnitStatus = (typeof UNIT_STATUSES)[number]

/** Unit types that patrol in a vehicle: drawn larger than those on foot. */
const VEHICLE_TYPES = new Set(['patrol_police', 'traffic_police', 'special_police', 'station_officer'])

export type Rgba = [number, number, number, number]

/** Restrained, distinct on the dark basemap and for the common colour-vision deficiencies (blue/orange axis first). */
export const STATUS_COLORS: Record<UnitStatus, Rgba> = {
  available: [52, 211, 153, 255],
  dispatched: [251, 191, 36, 255],
  en_route: [251, 146, 60, 255],
  on_scene: [244, 114, 182, 255],
  cleared: [125, 211, 252, 255],
  out_of_service: [100, 116, 139, 255],
  unknown: [148, 163, 184, 255],
}
export const STALE_COLOR: Rgba = [105, 114, 130, 215]

/** A unit's shape (unit-sprite-layer.ts), by index. */
export const ICON_HEADING = 0
export const ICON_NO_HEADING = 1
export const ICON_STALE = 2

export interface UnitMeta {
  id: string
  callsign?: string | null
  type?: string | null
  status?: string | null
  gridCode?: string | null
}

/** One fix as the wall receives it (a `units` frame tuple or a snapshot row). */
export interface UnitFix {
  lon: number
  lat: number
  headingDeg: number | null
  speedMps: number | null
  /** Device time of the fix, ms since the epoch. */
  deviceTimeMs: number
  gridCode: string | null
}

export interface StoreOptions {
  /** A fix older than this is stale: the unit is greyed and shows its age. */
  staleMs: number
  /** Trail vertices kept per unit (a ring). */
  trailVertices: number
}

const DEFAULTS: StoreOptions = { staleMs: 120_000, trailVertices: 16 }

/** Longest animation between two fixes; a longer gap between fixes is covered in this time (we lag one fix). */
const MAX_ANIM_MS = 5_000
const MIN_ANIM_MS = 250
/** A unit that reappears after this long, or jumps further than JUMP_M, glides there in GLIDE_MS instead. */
const RESUME_GAP_MS = 30_000
const JUMP_M = 3_000
const GLIDE_MS = 1_000

/** A move or turn too small to trigger a redraw on its own is drawn after this long at most. */
const LONGEST_UNSHOWN_MS = 1_000

/** The smallest move, in degrees along each axis, worth writing out for the next redraw. */
export interface MoveStep {
  lonDeg: number
  latDeg: number
}
const ANY_MOVE: MoveStep = { lonDeg: 0, latDeg: 0 }

const M_PER_DEG = 111_320
/** Trail vertices closer than this in place (about 1 mm) and time are one vertex (see trailPoints). */
const SAME_PLACE_DEG = 1e-8
const SAME_MOMENT_MS = 250

export class UnitStore {
  readonly opts: StoreOptions
  count = 0
  private capacity = 0

  ids: string[] = []
  private readonly slot = new Map<string, number>()
  callsign: string[] = []
  type: string[] = []
  status: Uint8Array = new Uint8Array(0)
  grid: (string | null)[] = []

  /** Animation: from (where it was drawn when the fix arrived) to the fix, over [animStart, animEnd] (performance.now ms). */
  private fromLon = new Float64Array(0)
  private fromLat = new Float64Array(0)
  private toLon = new Float64Array(0)
  private toLat = new Float64Array(0)
  private fromAngle = new Float32Array(0)
  private toAngle = new Float32Array(0)
  private animStart = new Float64Array(0)
  private animEnd = new Float64Array(0)
  private animating = new Uint8Array(0)
  /** 1 once the unit has a position. */
  hasFix = new Uint8Array(0)
  hasHeading = new Uint8Array(0)
  deviceTime = new Float64Array(0)
  stale = new Uint8Array(0)
  speed = new Float32Array(0)

  /** What deck.gl draws: [lon, lat] per unit, angle (counter-clockwise degrees), RGBA, size px, icon index. */
  positions = new Float64Array(0)
  angles = new Float32Array(0)
  colors = new Uint8Array(0)
  sizes = new Float32Array(0)
  icons = new Uint8Array(0)

  /** Trail ring per unit: K vertices of [lon, lat, time (performance.now ms)]. */
  private trailLon = new Float64Array(0)
  private trailLat = new Float64Array(0)
  private trailT = new Float64Array(0)
  private trailHead = new Uint16Array(0)
  private trailLen = new Uint16Array(0)

  /** Bumped when the matching arrays change, so layers know what to re-upload. */
  version = { positions: 0, style: 0, icons: 0, trails: 0, structure: 0 }
  /** When frame() last wrote the positions (performance.now ms), and whether a first fix has been written since. */
  private writtenAt = -Infinity
  private placed = false

  constructor(opts: Partial<StoreOptions> = {}) {
    this.opts = { ...DEFAULTS, ...opts }
    this.grow(64)
  }

  has(id: string): boolean {
    return this.slot.has(id)
  }

  indexOf(id: string): number {
    return this.slot.get(id) ?? -1
  }

  /** Creates the unit if needed and updates its description (not its position). */
  upsertMeta(m: UnitMeta): number {
    let i = this.slot.get(m.id)
    if (i === undefined) {
      if (this.count === this.capacity) this.grow(this.capacity * 2)
      i = this.count++
      this.slot.set(m.id, i)
      this.ids[i] = m.id
      this.callsign[i] = m.callsign ?? m.id
      this.type[i] = m.type ?? ''
      this.status[i] = statusIndex(m.status)
      this.grid[i] = m.gridCode ?? null
      this.hasFix[i] = 0
      this.hasHeading[i] = 0
      this.deviceTime[i] = 0
      this.stale[i] = 0
      this.animating[i] = 0
      this.trailLen[i] = 0
      this.trailHead[i] = 0
      this.sizes[i] = VEHICLE_TYPES.has(this.type[i]) ? 24 : 19
      this.positions[2 * i] = 0
      this.positions[2 * i + 1] = 0
      this.angles[i] = 0
      this.icons[i] = ICON_NO_HEADING
      this.writeColor(i)
      this.version.structure++
      return i
    }
    if (m.callsign) this.callsign[i] = m.callsign
    if (m.type && m.type !== this.type[i]) {
      this.type[i] = m.type
      this.sizes[i] = VEHICLE_TYPES.has(m.type) ? 24 : 19
      this.version.style++
    }
    if (m.status) {
      const s = statusIndex(m.status)
      if (s !== this.status[i]) {
        this.status[i] = s
        this.writeColor(i)
        this.version.style++
      }
    }
    if (m.gridCode !== undefined && m.gridCode !== null) this.grid[i] = m.gridCode
    return i
  }

  /**
   * A new fix: the unit glides from where it is drawn now to the fix, over the time that passed between its
   * last two fixes (so it keeps moving until the next one is due). An older fix never moves it back.
   */
  applyFix(id: string, fix: UnitFix, now: number): boolean {
    const i = this.slot.get(id) ?? this.upsertMeta({ id, gridCode: fix.gridCode })
    if (this.hasFix[i] && fix.deviceTimeMs <= this.deviceTime[i]) return false
    const gap = fix.deviceTimeMs - this.deviceTime[i]
    if (fix.gridCode) this.grid[i] = fix.gridCode
    const heading = fix.headingDeg
    if (!this.hasFix[i]) {
      this.hasFix[i] = 1
      this.positions[2 * i] = fix.lon
      this.positions[2 * i + 1] = fix.lat
      this.placed = true
      this.fromLon[i] = this.toLon[i] = fix.lon
      this.fromLat[i] = this.toLat[i] = fix.lat
      this.animStart[i] = this.animEnd[i] = now
      const a = heading === null ? 0 : -heading
      this.fromAngle[i] = this.toAngle[i] = this.angles[i] = a
      this.hasHeading[i] = heading === null ? 0 : 1
      this.deviceTime[i] = fix.deviceTimeMs
      this.speed[i] = fix.speedMps ?? 0
      this.pushTrail(i, fix.lon, fix.lat, now)
      this.refreshIcon(i)
      this.version.positions++
      this.version.trails++
      return true
    }
    const fromLon = this.positions[2 * i]
    const fromLat = this.positions[2 * i + 1]
    const dx = (fix.lon - fromLon) * M_PER_DEG * Math.cos((fix.lat * Math.PI) / 180)
    const dy = (fix.lat - fromLat) * M_PER_DEG
    const metres = Math.hypot(dx, dy)
    const duration = gap > RESUME_GAP_MS || metres > JUMP_M ? GLIDE_MS : Math.min(MAX_ANIM_MS, Math.max(MIN_ANIM_MS, gap))
    this.fromLon[i] = fromLon
    this.fromLat[i] = fromLat
    this.toLon[i] = fix.lon
    this.toLat[i] = fix.lat
    this.animStart[i] = now
    this.animEnd[i] = now + duration
    this.animating[i] = 1
    // Heading: the device's own, else the direction of travel when the move is more than jitter.
    let target = this.angles[i]
    if (heading !== null) target = -heading
    else if (metres > 3) target = -((Math.atan2(dx, dy) * 180) / Math.PI)
    this.fromAngle[i] = this.angles[i]
    this.toAngle[i] = this.angles[i] + shortestTurn(this.angles[i], target)
    const hadHeading = this.hasHeading[i]
    this.hasHeading[i] = heading !== null || metres > 3 || hadHeading ? 1 : 0
    this.deviceTime[i] = fix.deviceTimeMs
    this.speed[i] = fix.speedMps ?? 0
    // Trail: where it was at `now`, then the fix at the end of the glide. After a gap or a jump the old trail
    // says nothing about the way it came: start afresh.
    if (duration === GLIDE_MS && (gap > RESUME_GAP_MS || metres > JUMP_M)) this.trailLen[i] = 0
    this.pushTrail(i, fromLon, fromLat, now)
    this.pushTrail(i, fix.lon, fix.lat, now + duration)
    if (this.stale[i]) {
      this.stale[i] = 0
      this.writeColor(i)
      this.version.style++
    }
    this.refreshIcon(i)
    this.version.trails++
    return true
  }

  /**
   * Moves the gliding units on to where they are at `now`, all at once, when that would show: some unit has moved
   * at least `step` since the positions were last written (half a pixel at the map's zoom, see halfPixel), a unit
   * got its first fix, or a turn or sub-step move has waited a second. A smaller move changes no pixel but costs a
   * redraw of every unit: at the whole-city view a unit at 8 m/s crosses half a pixel in about 1.5 s, so a fleet
   * there is redrawn a couple of times a second instead of every frame, and close in, every frame as before.
   * Returns whether the positions were written (the moving layers need a redraw).
   */
  frame(now: number, step: MoveStep = ANY_MOVE): boolean {
    if (!this.placed && !this.showsMove(now, step)) return false
    const { positions, angles } = this
    for (let i = 0; i < this.count; i++) {
      if (!this.animating[i]) continue
      const f = this.glideFraction(i, now)
      if (f === 1) this.animating[i] = 0
      positions[2 * i] = this.fromLon[i] + (this.toLon[i] - this.fromLon[i]) * f
      positions[2 * i + 1] = this.fromLat[i] + (this.toLat[i] - this.fromLat[i]) * f
      // Turn faster than the move: a unit faces its new direction within the first third of the glide.
      const fa = Math.min(1, f * 3)
      angles[i] = this.fromAngle[i] + (this.toAngle[i] - this.fromAngle[i]) * fa
    }
    this.placed = false
    this.writtenAt = now
    this.version.positions++
    return true
  }

  /** Whether a gliding unit is `step` or more from where it was last written, or anything has waited too long. */
  private showsMove(now: number, step: MoveStep): boolean {
    let waiting = false
    for (let i = 0; i < this.count; i++) {
      if (!this.animating[i]) continue
      const f = this.glideFraction(i, now)
      const lon = this.fromLon[i] + (this.toLon[i] - this.fromLon[i]) * f
      const lat = this.fromLat[i] + (this.toLat[i] - this.fromLat[i]) * f
      if (Math.abs(lon - this.positions[2 * i]) >= step.lonDeg || Math.abs(lat - this.positions[2 * i + 1]) >= step.latDeg) return true
      waiting = true
    }
    return waiting && now - this.writtenAt >= LONGEST_UNSHOWN_MS
  }

  private glideFraction(i: number, now: number): number {
    const start = this.animStart[i]
    const end = this.animEnd[i]
    return end > start ? Math.min(1, Math.max(0, (now - start) / (end - start))) : 1
  }

  /** Re-evaluates staleness against the server's clock; returns how many units are stale. */
  refreshStale(serverNowMs: number): number {
    let stale = 0
    for (let i = 0; i < this.count; i++) {
      if (!this.hasFix[i]) continue
      const s = serverNowMs - this.deviceTime[i] > this.opts.staleMs ? 1 : 0
      stale += s
      if (s !== this.stale[i]) {
        this.stale[i] = s
        this.writeColor(i)
        this.refreshIcon(i)
        this.version.style++
      }
    }
    return stale
  }

  /** Replaces everything with a snapshot: units not in it are removed, the others glide to their snapshot fix. */
  replaceAll(rows: Array<UnitMeta & Partial<UnitFix>>, now: number): void {
    const keep = new Set<string>()
    for (const r of rows) {
      keep.add(r.id)
      this.upsertMeta(r)
      if (typeof r.lon === 'number' && typeof r.lat === 'number' && r.deviceTimeMs) {
        this.applyFix(r.id, { lon: r.lon, lat: r.lat, headingDeg: r.headingDeg ?? null, speedMps: r.speedMps ?? null, deviceTimeMs: r.deviceTimeMs, gridCode: r.gridCode ?? null }, now)
      }
    }
    for (const id of [...this.slot.keys()]) if (!keep.has(id)) this.remove(id)
  }

  remove(id: string): void {
    const i = this.slot.get(id)
    if (i === undefined) return
    const last = this.count - 1
    if (i !== last) this.moveSlot(last, i)
    this.slot.delete(id)
    this.ids.length = last
    this.callsign.length = last
    this.type.length = last
    this.grid.length = last
    this.count = last
    this.version.structure++
  }

  /** Where the unit is drawn now, [lon, lat]. */
  positionOf(id: string): [number, number] | null {
    const i = this.slot.get(id)
    if (i === undefined || !this.hasFix[i]) return null
    return [this.positions[2 * i], this.positions[2 * i + 1]]
  }

  statusOf(i: number): UnitStatus {
    return UNIT_STATUSES[this.status[i]]
  }

  /**
   * Trails as TripsLayer binary data: one path per moving unit, vertex times in seconds on the same clock as
   * `currentTime` (performance.now() / 1000), per-vertex colours. Vertices older than `windowMs` are left out,
   * and so are those between two others closer than `stepDeg` degrees of longitude to the last one kept (a
   * pixel or so at the map's zoom: the trail is a few pixels wide, and every segment costs a software renderer).
   */
  buildTrails(now: number, windowMs: number, stepDeg = 0): TrailBuffers {
    let paths = 0
    let vertices = 0
    const cut = now - windowMs
    for (let i = 0; i < this.count; i++) {
      const n = this.stale[i] ? 0 : this.trailPoints(i, this.trailVertexCount(i, cut), stepDeg, null, 0)
      if (n >= 2) {
        paths++
        vertices += n
      }
    }
    const out: TrailBuffers = {
      length: paths,
      startIndices: new Uint32Array(paths + 1),
      path: new Float64Array(vertices * 2),
      timestamps: new Float32Array(vertices),
      colors: new Uint8Array(vertices * 4),
    }
    let p = 0
    let v = 0
    for (let i = 0; i < this.count; i++) {
      if (this.stale[i]) continue
      const n = this.trailVertexCount(i, cut)
      if (this.trailPoints(i, n, stepDeg, null, 0) < 2) continue
      out.startIndices[p++] = v
      v += this.trailPoints(i, n, stepDeg, out, v)
    }
    out.startIndices[p] = v
    return out
  }

  /**
   * Writes unit i's last n trail vertices into `out` from vertex v (or only counts them when `out` is null),
   * leaving out a vertex where the previous one already is, a moment later: a glide that ended as the next fix
   * came in pushes its end point twice. A segment of length zero draws nothing but costs a software renderer as
   * much as any other. Inner vertices within `stepDeg` of the last one kept are left out too (see buildTrails).
   */
  private trailPoints(i: number, n: number, stepDeg: number, out: TrailBuffers | null, v: number): number {
    const K = this.opts.trailVertices
    const len = this.trailLen[i]
    const head = this.trailHead[i]
    const c = STATUS_COLORS[UNIT_STATUSES[this.status[i]]]
    // Web Mercator: a pixel spans fewer degrees of latitude than of longitude, by cos(latitude).
    const stepLat = stepDeg * Math.cos((this.positions[2 * i + 1] * Math.PI) / 180)
    let written = 0
    let prev = -1
    for (let k = len - n; k < len; k++) {
      const at = i * K + ((head - len + k + K) % K)
      if (prev >= 0) {
        const dLon = Math.abs(this.trailLon[at] - this.trailLon[prev])
        const dLat = Math.abs(this.trailLat[at] - this.trailLat[prev])
        if (this.trailT[at] - this.trailT[prev] < SAME_MOMENT_MS && dLon + dLat < SAME_PLACE_DEG) continue
        if (k < len - 1 && dLon < stepDeg && dLat < stepLat) continue
      }
      prev = at
      if (out) {
        const w = v + written
        out.path[2 * w] = this.trailLon[at]
        out.path[2 * w + 1] = this.trailLat[at]
        out.timestamps[w] = this.trailT[at] / 1000
        out.colors.set(c, 4 * w)
      }
      written++
    }
    return written
  }

  // --- internals ---

  /** Vertices of unit i's trail from the last one before `cut` on (so the faded tail starts off-screen). */
  private trailVertexCount(i: number, cut: number): number {
    const K = this.opts.trailVertices
    const len = this.trailLen[i]
    const head = this.trailHead[i]
    let n = 0
    for (let k = len - 1; k >= 0; k--) {
      n++
      if (this.trailT[i * K + ((head - len + k + K) % K)] < cut) break
    }
    return n
  }

  private pushTrail(i: number, lon: number, lat: number, t: number): void {
    const K = this.opts.trailVertices
    const len = this.trailLen[i]
    if (len > 0) {
      const lastAt = i * K + ((this.trailHead[i] - 1 + K) % K)
      // A glide cut short by a newer fix: its end becomes where the unit really was when it turned.
      if (this.trailT[lastAt] > t) {
        this.trailLon[lastAt] = lon
        this.trailLat[lastAt] = lat
        this.trailT[lastAt] = t
        return
      }
    }
    const at = i * K + this.trailHead[i]
    this.trailLon[at] = lon
    this.trailLat[at] = lat
    this.trailT[at] = t
    this.trailHead[i] = (this.trailHead[i] + 1) % K
    this.trailLen[i] = Math.min(K, len + 1)
  }

  private refreshIcon(i: number): void {
    const icon = this.stale[i] ? ICON_STALE : this.hasHeading[i] ? ICON_HEADING : ICON_NO_HEADING
    if (icon !== this.icons[i]) {
      this.icons[i] = icon
      this.version.icons++
    }
  }

  private writeColor(i: number): void {
    const c = this.stale[i] ? STALE_COLOR : STATUS_COLORS[UNIT_STATUSES[this.status[i]]]
    this.colors.set(c, 4 * i)
  }

  private moveSlot(from: number, to: number): void {
    const K = this.opts.trailVertices
    this.ids[to] = this.ids[from]
    this.slot.set(this.ids[to], to)
    this.callsign[to] = this.callsign[from]
    this.type[to] = this.type[from]
    this.grid[to] = this.grid[from]
    for (const a of [this.status, this.animating, this.hasFix, this.hasHeading, this.stale, this.icons]) a[to] = a[from]
    for (const a of [this.fromLon, this.fromLat, this.toLon, this.toLat, this.animStart, this.animEnd, this.deviceTime]) a[to] = a[from]
    for (const a of [this.fromAngle, this.toAngle, this.angles, this.sizes, this.speed]) a[to] = a[from]
    this.trailHead[to] = this.trailHead[from]
    this.trailLen[to] = this.trailLen[from]
    this.positions.copyWithin(2 * to, 2 * from, 2 * from + 2)
    this.colors.copyWithin(4 * to, 4 * from, 4 * from + 4)
    this.trailLon.copyWithin(K * to, K * from, K * from + K)
    this.trailLat.copyWithin(K * to, K * from, K * from + K)
    this.trailT.copyWithin(K * to, K * from, K * from + K)
  }

  private grow(capacity: number): void {
    const K = this.opts.trailVertices
    const g = <T extends Float64Array | Float32Array | Uint8Array | Uint16Array>(a: T, per = 1): T => {
      const b = new (a.constructor as new (n: number) => T)(capacity * per)
      b.set(a)
      return b
    }
    this.status = g(this.status)
    this.fromLon = g(this.fromLon)
    this.fromLat = g(this.fromLat)
    this.toLon = g(this.toLon)
    this.toLat = g(this.toLat)
    this.fromAngle = g(this.fromAngle)
    this.toAngle = g(this.toAngle)
    this.animStart = g(this.animStart)
    this.animEnd = g(this.animEnd)
    this.animating = g(this.animating)
    this.hasFix = g(this.hasFix)
    this.hasHeading = g(this.hasHeading)
    this.deviceTime = g(this.deviceTime)
    this.stale = g(this.stale)
    this.speed = g(this.speed)
    this.positions = g(this.positions, 2)
    this.angles = g(this.angles)
    this.colors = g(this.colors, 4)
    this.sizes = g(this.sizes)
    this.icons = g(this.icons)
    this.trailLon = g(this.trailLon, K)
    this.trailLat = g(this.trailLat, K)
    this.trailT = g(this.trailT, K)
    this.trailHead = g(this.trailHead)
    this.trailLen = g(this.trailLen)
    this.capacity = capacity
    this.version.structure++
  }
}

export interface TrailBuffers {
  length: number
  startIndices: Uint32Array
  path: Float64Array
  timestamps: Float32Array
  colors: Uint8Array
}

function statusIndex(s: string | null | undefined): number {
  const i = UNIT_STATUSES.indexOf((s ?? 'unknown') as UnitStatus)
  return i < 0 ? UNIT_STATUSES.length - 1 : i
}

/** The signed turn (degrees, -180..180) from a to b. */
function shortestTurn(a: number, b: number): number {
  return ((((b - a) % 360) + 540) % 360) - 180
}
