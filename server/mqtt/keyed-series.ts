/**
 * Runs each job after the previous job with the same key has settled; jobs with different keys run side by
 * side. MQTT messages on one topic (one phone, one Frigate feed) are handled in the order they came this way,
 * while different topics share the writer's commits.
 */
export class KeyedSeries {
  private readonly tails = new Map<string, Promise<unknown>>()

  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    const next = previous.then(job, job)
    this.tails.set(key, next)
    const forget = () => {
      if (this.tails.get(key) === next) this.tails.delete(key)
    }
    next.then(forget, forget)
    return next
  }

  /** Keys with a job still running or waiting. */
  get size(): number {
    return this.tails.size
  }
}
