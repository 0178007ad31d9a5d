/**
 * Paces the redraws of the moving layers (units, trails, pulses) to what the renderer can keep up with. A
 * redraw's cost shows as a long gap before the following animation frames; the next redraw waits as long again
 * (a second at most).
 * On a GPU a redraw costs nothing beyond the display interval, so every frame redraws. On a software renderer
 * (SwiftShader), where 10,000 units take seconds to draw, the units still move in steps and the rest of the page
 * (clock, panels, ticker, the map) gets half of the time instead of none.
 */
export class RedrawPacer {
  private last = -1
  /** The display interval: the shortest gap between frames seen so far. */
  private shortest = Infinity
  /** Frames still to watch after a redraw, to see what it cost. */
  private watching = 0
  private cost = 0
  private dueAt = -Infinity

  /** Called at the start of each animation frame: whether the moving layers may be redrawn in it. */
  frame(now: number): boolean {
    if (this.last >= 0) {
      const gap = now - this.last
      this.shortest = Math.min(this.shortest, Math.max(gap, 1))
      if (this.watching > 0) {
        const excess = gap - this.shortest
        // A frame on time (give or take jitter): the redraw is through. Three frames at most, so a machine slow
        // for other reasons does not stop the units.
        if (excess < this.shortest / 2) this.watching = 0
        else {
          this.cost += excess
          this.watching--
        }
        if (this.watching === 0) this.dueAt = now + Math.min(this.cost, MAX_WAIT_MS)
      }
    }
    this.last = now
    return this.watching === 0 && now >= this.dueAt
  }

  /** The moving layers were handed a redraw in this frame. */
  drawn(): void {
    this.watching = FRAMES_WATCHED
    this.cost = 0
  }
}

const FRAMES_WATCHED = 3
/** Units report once a second: waiting longer than that between steps would drop whole moves from the picture. */
const MAX_WAIT_MS = 1000
