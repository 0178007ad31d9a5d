import type { PositionFix } from '../../geo/ingest/position-fix.ts'
import { ParseError } from '../../geo/ingest/parse-error.ts'

/** What is coalesced: the position pipeline, or anything that checks a whole submission before storing any of it. */
export interface PositionSubmit {
  submit(fixes: readonly PositionFix[]): Promise<unknown>
}

interface Waiting {
  fixes: readonly PositionFix[]
  resolve: () => void
  reject: (err: unknown) => void
}

/**
 * Submissions made in one turn of the event loop go to the pipeline as one. A busy MQTT connection hands over
 * hundreds of one-fix messages per read; submitted one by one, each paid the pipeline's per-submission work and
 * promises, which measured about as much as the fix itself.
 *
 * Each caller still gets its own outcome. The pipeline refuses a submission whole, before storing anything, when
 * any fix in it is bad (unknown device, clock far off), so a refused batch of several is submitted again one
 * caller at a time: every caller gets exactly the answer it would have got alone. Anything else (the database
 * down, the buffer full) is every caller's answer.
 */
export function coalescePositions(pipeline: PositionSubmit): PositionSubmit {
  let waiting: Waiting[] = []

  const flush = () => {
    const batch = waiting
    waiting = []
    const all = batch.length === 1 ? batch[0].fixes : batch.flatMap((w) => w.fixes)
    pipeline.submit(all).then(
      () => {
        for (const w of batch) w.resolve()
      },
      (err: unknown) => {
        if (err instanceof ParseError && batch.length > 1) {
          for (const w of batch) pipeline.submit(w.fixes).then(w.resolve, w.reject)
        } else {
          for (const w of batch) w.reject(err)
        }
      },
    )
  }

  return {
    submit(fixes) {
      return new Promise<void>((resolve, reject) => {
        if (waiting.length === 0) setImmediate(flush)
        waiting.push({ fixes, resolve, reject })
      })
    },
  }
}
