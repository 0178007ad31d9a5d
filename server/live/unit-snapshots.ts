import type { UnitRow } from '../store/unit-queries.ts'
import type { UnitMove } from '../../geo/live/unit-frame.ts'

/**
 * The units snapshot of each room, shared by everyone who subscribes to it: read from the database once, then
 * kept current by applying every frame the room is sent, so it always holds at least what a client subscribed
 * all along would hold (a move the database already had is applied again, harmlessly). Reading 10,000 units
 * per subscriber would cost a query each; a wall of screens reconnecting at once would queue them for seconds.
 * A view is read afresh from the database once it is `maxAgeMs` old, for what frames do not carry (status).
 */
export class UnitSnapshots {
  private readonly views = new Map<string, RoomView>()

  constructor(
    private readonly load: (area: string) => Promise<UnitRow[]>,
    private readonly maxAgeMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The room's rows as of its latest frame. */
  rows(room: string, area: string): Promise<UnitRow[]> {
    let view = this.views.get(room)
    if (!view || this.now() - view.loadedAt > this.maxAgeMs) {
      view = new RoomView(this.load(area), this.now())
      this.views.set(room, view)
      // A failed read is not kept: the next subscriber tries again.
      view.ready.catch(() => this.views.get(room) === view && this.views.delete(room))
    }
    return view.list()
  }

  /** The moves just sent in a room's frame. */
  framed(room: string, moves: readonly UnitMove[]): void {
    const view = this.views.get(room)
    if (!view) return
    // Nobody asked for this room lately: stop keeping it current.
    if (this.now() - view.loadedAt > this.maxAgeMs) this.views.delete(room)
    else view.apply(moves)
  }
}

class RoomView {
  private rows: Map<string, UnitRow> | null = null
  /** Frames sent while the rows were being read. */
  private early: Array<readonly UnitMove[]> = []
  readonly ready: Promise<void>

  constructor(
    rows: Promise<UnitRow[]>,
    readonly loadedAt: number,
  ) {
    this.ready = rows.then((list) => {
      this.rows = new Map(list.map((r) => [r.id, r]))
      for (const moves of this.early) this.patch(moves)
      this.early = []
    })
  }

  apply(moves: readonly UnitMove[]): void {
    if (this.rows) this.patch(moves)
    else this.early.push(moves)
  }

  async list(): Promise<UnitRow[]> {
    await this.ready
    return [...this.rows!.values()]
  }

  /** Rows are replaced, never changed in place: a list handed out earlier may still be being sent. */
  private patch(moves: readonly UnitMove[]): void {
    const rows = this.rows!
    for (const [id, lon, lat, headingDeg, speedMps, time, gridCode] of moves) {
      const row = rows.get(id)
      if (!row || (row.deviceTime !== null && Date.parse(row.deviceTime) >= time)) continue
      rows.set(id, { ...row, lon, lat, headingDeg, speedMps, deviceTime: new Date(time).toISOString(), gridCode })
    }
  }
}
