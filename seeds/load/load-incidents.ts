import type { Queryable } from '../../server/db/db.ts'
import { bulkInsertAll } from '../../server/db/bulk-insert.ts'
import type { GridIndex } from '../../geo/grid-index/grid-index.ts'
import type { StepLimits } from '../../geo/catalogue/category.ts'
import { stepDeadline } from '../../geo/catalogue/step-deadline.ts'
import type { HistoricIncident } from '../demo/incident-history.ts'

const COLUMNS = [
  { name: 'source', type: 'text' },
  { name: 'source_id', type: 'text' },
  { name: 'category_code', type: 'text' },
  { name: 'priority', type: 'int2' },
  { name: 'state', type: 'text' },
  { name: 'description', type: 'text' },
  { name: 'geom', type: 'text', expr: 'ST_GeomFromText(v, 4326)' },
  { name: 'grid_code', type: 'text' },
  { name: 'reported_at', type: 'timestamptz' },
  { name: 'filed_at', type: 'timestamptz' },
  { name: 'dispatched_at', type: 'timestamptz' },
  { name: 'handled_at', type: 'timestamptz' },
  { name: 'reported_back_at', type: 'timestamptz' },
  { name: 'verified_at', type: 'timestamptz' },
  { name: 'closed_at', type: 'timestamptz' },
  { name: 'deadline_at', type: 'timestamptz' },
  { name: 'department_code', type: 'text' },
  { name: 'reopen_count', type: 'int2' },
]

/** Streams generated history into incident. Historic rows carry no reporter contact details at all. */
export async function loadIncidents(
  q: Queryable,
  incidents: Iterable<HistoricIncident>,
  grids: GridIndex,
  limitsOf: ReadonlyMap<string, StepLimits>,
  onProgress?: (written: number) => void,
): Promise<number> {
  return bulkInsertAll(
    q,
    'incident',
    COLUMNS,
    incidents,
    (i) => {
      const limits = limitsOf.get(i.categoryCode)
      return [
        i.source, i.sourceId, i.categoryCode, i.priority, i.state, i.description, `POINT(${i.lon} ${i.lat})`,
        grids.lookup(i.lon, i.lat), i.reportedAt, i.filedAt, i.dispatchedAt, i.handledAt, i.reportedBackAt,
        i.verifiedAt, i.closedAt, limits ? stepDeadline(i, limits) : null, i.assignedDepartmentCode, i.reopenCount,
      ]
    },
    5000,
    onProgress,
  )
}
