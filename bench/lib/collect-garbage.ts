import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

// Exposing `gc` at run time spares every `npm run bench` a node flag.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/**
 * A full collection now, between a phase's warm-up and its measured part: the garbage the previous phase left
 * is then not collected, by concurrent marking on the same two cores as the database, in the middle of the
 * next one (as benchmark harnesses such as mitata do between runs). It then waits a quarter of a second: V8 sweeps
 * the freed pages on helper threads after the pause, and on two cores they slow whatever runs next (measured: 30
 * rounds of 30 `SELECT 1` right after `gc()`, p99 3.8 ms at once against 1.0 ms after the wait; p50 0.1 ms both).
 */
export async function collectGarbage(): Promise<void> {
  gc()
  await new Promise((resolve) => setTimeout(resolve, 250))
}
