/**
 * Runs each job after the previous job with the same key has settled; jobs with different keys run side by
 * side. MQTT messages on one topic (one phone, one Frigate feed) are handled in the order they came this way,
 * while different topics share the writer's commits.
 */
export class KeyedSeries {
  private readonly tails = new Map<string, Promise<unknown>>()

  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key)
    // A key with nothing before it (the usual case: a phone's messages are seconds apart) starts at once.
    const next = previous ? previous.then(job, job) : start(job)
    this.tails.set(key, next)
    // Inline closures: a named one would get esbuild's keepNames wrapper (a defineProperty) on every call.
    next.then(
      () => this.forget(key, next),
      () => this.forget(key, next),
    )
    return next
  }

  private forget(key: string, job: Promise<unknown>): void {
    if (this.tails.get(key) === job) this.tails.delete(key)
  }

  /** Keys with a job still running or waiting. */
  get size(): number {
    return this.tails.size
  }
}

/** The job's promise; a job that throws before returning one counts as failed, as it would when chained. */
function start<T>(job: () => Promise<T>): Promise<T> {
  try {
    return job()
  } catch (err) {
    return Promise.reject(err)
  }
}
