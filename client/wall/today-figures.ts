import { EVALUATION_FORMULAS } from '../../geo/analytics/case-evaluation.ts'

/**
 * Today's mean response time and closure rate, over the cases reported since local midnight, with the formulas
 * the evaluation API publishes (geo/analytics/case-evaluation.ts): the wall's figure and the analysts' agree.
 * Fed from the incidents the wall already reads (the heatmap's last 24 hours) and from live case events.
 */

export interface CaseTimes {
  id: number
  state: string
  reportedAtMs: number
  filedAtMs: number | null
  dispatchedAtMs: number | null
}

export interface TodayFigures {
  reported: number
  filed: number
  closed: number
  dispatched: number
  /** Σ(dispatched − reported) ÷ dispatched cases, minutes; null when none was dispatched. */
  meanResponseMinutes: number | null
  /** closed ÷ filed; null when none was filed. */
  closureRate: number | null
}

export const TODAY_FORMULAS = {
  meanResponseMinutes: EVALUATION_FORMULAS.meanResponseMinutes,
  closureRate: EVALUATION_FORMULAS.closureRate,
}

/** Local midnight of the day `nowMs` falls in. */
export function dayStart(nowMs: number): number {
  const d = new Date(nowMs)
  d.setHours(0, 0, 0, 0)
  return d.getTime()
}

export class TodayCases {
  private readonly byId = new Map<number, CaseTimes>()

  upsert(c: CaseTimes): void {
    if (!Number.isFinite(c.reportedAtMs)) return
    this.byId.set(c.id, { id: c.id, state: c.state, reportedAtMs: c.reportedAtMs, filedAtMs: c.filedAtMs, dispatchedAtMs: c.dispatchedAtMs })
  }

  /** The figures for the day that began at `fromMs`; cases reported before it are forgotten. */
  figures(fromMs: number): TodayFigures {
    let reported = 0
    let filed = 0
    let closed = 0
    let dispatched = 0
    let responseMs = 0
    for (const [id, c] of this.byId) {
      if (c.reportedAtMs < fromMs) {
        this.byId.delete(id)
        continue
      }
      reported++
      if (c.filedAtMs !== null) filed++
      if (c.state === 'closed') closed++
      if (c.dispatchedAtMs !== null) {
        dispatched++
        responseMs += c.dispatchedAtMs - c.reportedAtMs
      }
    }
    return {
      reported,
      filed,
      closed,
      dispatched,
      meanResponseMinutes: dispatched > 0 ? responseMs / dispatched / 60_000 : null,
      closureRate: filed > 0 ? closed / filed : null,
    }
  }
}
