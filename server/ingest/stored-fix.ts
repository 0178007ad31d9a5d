import type { PositionFix } from '../../geo/ingest/position-fix.ts'
import type { FilterVerdict } from '../../geo/tracking/fix-filter.ts'
import type { GridTransition } from '../../geo/tracking/grid-dwell.ts'

/** A fix as the pipeline hands it to storage and the live hub: whose it is, where it falls, what the filter said. */
export interface StoredFix extends PositionFix {
  unitId: string
  serverTime: Date
  gridCode: string | null
  verdict: FilterVerdict
  /** The grid move this fix confirmed, if any: stored with the fix, in the same transaction. */
  transition: GridTransition | null
}
