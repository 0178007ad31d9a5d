import type { PositionFix } from '../../geo/ingest/position-fix.ts'
import { ParseError } from '../../geo/ingest/parse-error.ts'
import { DEFAULT_WRITER_OPTIONS } from './position-writer.ts'

/**
 * Where one-fix feeds hand their fixes: the position pipeline, or anything that checks a whole submission before
 * storing any of it.
 */
export interface PositionSink {
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
 *
 * A turn's submission holds at most `maxFixes` (the writer's batch): a phone's backlog of thousands, or
 * thousands of phones read in one turn, go on in the next submission rather than one oversized transaction.
 */
export function coalescePositions(pipeline: PositionSink, maxFixes = DEFAULT_WRITER_OPTIONS.maxBatch): PositionSink {
  let waiting: Waiting[] = []
  let count = 0
  let scheduled = false

  const flush = () => {
    scheduled = false
    if (waiting.length === 0) return
    const batch = waiting
    waiting = []
    count = 0
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
        waiting.push({ fixes, resolve, reject })
        count += fixes.length
        if (count >= maxFixes) flush()
        else if (!scheduled) {
          scheduled = true
          setImmediate(flush)
        }
      })
    },
  }
}
