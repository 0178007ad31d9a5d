import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

// Exposing `gc` at run time spares every `npm run bench` a node flag.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/**
 * A full collection now, between a phase's warm-up and its measured part: the garbage the previous phase left
 * is then not collected, by concurrent marking on the same two cores as the database, in the middle of the
 * next one (as benchmark harnesses such as mitata do between runs).
 */
export function collectGarbage(): void {
  gc()
}
