/**
 * What the wall shows when: a rotation of scenes (the whole city, each street, the heatmap, the camera-alert
 * mosaic) with a dwell time,
 * interrupted by takeovers (a priority-1 incident, a camera alert) that fly to the place, hold for a while and
 * hand back to the rotation where it left off. Pure logic on a clock passed in, so it is tested without a map.
 */

export type SceneKind = 'city' | 'street' | 'heatmap' | 'mosaic'

export interface Scene {
  /** `city`, `street:<code>`, `heatmap`, `mosaic`. */
  id: string
  kind: SceneKind
  /** The street's area code for a street scene. */
  code?: string
}

export interface TakeoverRequest {
  /** Same key twice (the event redelivered, or updated) is one takeover. */
  key: string
  kind: 'incident' | 'alert'
  lon: number
  lat: number
  /** Whatever the card shows; the director does not look inside. */
  detail: unknown
}

export interface ActiveTakeover extends TakeoverRequest {
  startedAt: number
  until: number
}

export interface DirectorOptions {
  dwellMs: number
  takeoverMs: number
  /** Shown takeovers waiting their turn at most; older ones are dropped (they stay in the ticker). */
  maxQueue?: number
  onScene(scene: Scene): void
  onTakeover(t: ActiveTakeover | null): void
}

export class SceneDirector {
  private scenes: Scene[] = [{ id: 'city', kind: 'city' }]
  private index = 0
  private sceneStartedAt = 0
  private active: ActiveTakeover | null = null
  private readonly queue: TakeoverRequest[] = []
  private readonly seen = new Set<string>()
  private started = false
  /** How many takeovers were shown (for tests and the status line). */
  shown = 0

  constructor(private readonly opts: DirectorOptions) {}

  get scene(): Scene {
    return this.scenes[this.index]
  }

  get takeover(): ActiveTakeover | null {
    return this.active
  }

  get pending(): number {
    return this.queue.length
  }

  /** Share of the current scene's dwell already spent, 0..1 (0 during a takeover). */
  progress(now: number): number {
    if (this.active) return 0
    return Math.min(1, Math.max(0, (now - this.sceneStartedAt) / this.opts.dwellMs))
  }

  /** Replaces the rotation; the current scene goes on if it is still in it. */
  setScenes(scenes: Scene[], now: number): void {
    if (scenes.length === 0) return
    const current = this.started ? this.scenes[this.index]?.id : undefined
    this.scenes = scenes
    const at = scenes.findIndex((s) => s.id === current)
    if (at >= 0) {
      this.index = at
      return
    }
    this.index = 0
    if (this.started && !this.active) this.show(now)
  }

  start(now: number): void {
    this.started = true
    this.show(now)
  }

  tick(now: number): void {
    if (!this.started) return
    if (this.active) {
      if (now >= this.active.until) this.endTakeover(now)
      return
    }
    if (now - this.sceneStartedAt >= this.opts.dwellMs && this.scenes.length > 1) {
      this.index = (this.index + 1) % this.scenes.length
      this.show(now)
    }
  }

  /** Takes the screen now, or after the takeover already showing. A key already seen is ignored. */
  request(t: TakeoverRequest, now: number): boolean {
    if (this.seen.has(t.key)) return false
    this.seen.add(t.key)
    if (this.seen.size > 5000) this.seen.delete(this.seen.values().next().value as string)
    if (!this.started || this.active) {
      this.queue.push(t)
      if (this.queue.length > (this.opts.maxQueue ?? 8)) this.queue.shift()
      return true
    }
    this.begin(t, now)
    return true
  }

  /**
   * A console acknowledged this takeover: it ends now if showing (the next one or the rotation follows at once),
   * leaves the queue if waiting, and never starts if it had not arrived yet. True if it was showing or waiting.
   */
  acknowledge(key: string, now: number): boolean {
    const waiting = this.queue.findIndex((t) => t.key === key)
    if (waiting >= 0) {
      this.queue.splice(waiting, 1)
      return true
    }
    if (this.active?.key === key) {
      this.endTakeover(now)
      return true
    }
    this.seen.add(key)
    return false
  }

  private begin(t: TakeoverRequest, now: number): void {
    this.active = { ...t, startedAt: now, until: now + this.opts.takeoverMs }
    this.shown++
    this.opts.onTakeover(this.active)
  }

  private endTakeover(now: number): void {
    this.active = null
    const next = this.queue.shift()
    if (next) {
      this.begin(next, now)
      return
    }
    this.opts.onTakeover(null)
    // Back to the scene that was interrupted, with a full dwell.
    this.show(now)
  }

  private show(now: number): void {
    this.sceneStartedAt = now
    this.opts.onScene(this.scenes[this.index])
  }
}
