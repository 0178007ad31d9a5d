/**
 * Child process that plays the devices or gateways: sends prepared HTTP requests over keep-alive connections
 * with a fixed number in flight, and reports how long all of them took. Kept out of the server's process so the
 * server's event loop serves and does not also generate load.
 */
import { Agent, request } from 'node:http'

export interface LoadJob {
  url: string
  /** In flight at once, each on its own keep-alive connection. */
  concurrency: number
  /** Sent with every request (credentials). */
  headers?: Record<string, string>
  requests: Array<{ method: 'GET' | 'POST'; path: string; body?: string }>
}

export interface LoadResult {
  elapsedMs: number
  statuses: Record<string, number>
  firstError?: string
}

async function run(job: LoadJob): Promise<LoadResult> {
  const { hostname, port } = new URL(job.url)
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency })
  const statuses: Record<string, number> = {}
  let firstError: string | undefined
  let next = 0
  const send = (r: LoadJob['requests'][number], retried = false): Promise<void> =>
    new Promise<void>((resolve) => {
      const req = request(
        {
          agent, hostname, port, method: r.method, path: r.path,
          headers: { ...job.headers, ...(r.body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(r.body) }) },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => {
            const code = String(res.statusCode)
            statuses[code] = (statuses[code] ?? 0) + 1
            if (res.statusCode !== 200) firstError ??= `${code} ${Buffer.concat(chunks).toString().slice(0, 300)}`
            resolve()
          })
        },
      )
      req.on('error', (err) => {
        // The server closed an idle keep-alive connection just as this request went out on it: send it again
        // on a fresh one, as Node's documentation advises (the request never reached the application).
        if (req.reusedSocket && (err as NodeJS.ErrnoException).code === 'ECONNRESET' && !retried) {
          statuses.retried = (statuses.retried ?? 0) + 1
          resolve(send(r, true))
          return
        }
        statuses.error = (statuses.error ?? 0) + 1
        firstError ??= err.message
        resolve()
      })
      req.end(r.body)
    })
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < job.requests.length) await send(job.requests[next++])
    }),
  )
  const elapsedMs = performance.now() - t0
  agent.destroy()
  return { elapsedMs, statuses, ...(firstError ? { firstError } : {}) }
}

/** The job arrives first and is acknowledged; "go" starts it, so the transfer of its bodies is not timed. */
let job: LoadJob | undefined
process.on('message', (m: LoadJob | { kind: 'stop' } | { kind: 'go' }) => {
  if ('kind' in m && m.kind === 'stop') process.exit(0)
  if (!('kind' in m)) {
    job = m
    process.send!({ loaded: true })
    return
  }
  run(job!).then(
    (r) => process.send!(r),
    (err: Error) => process.send!({ elapsedMs: NaN, statuses: {}, firstError: err.stack } satisfies LoadResult),
  )
})
process.send!({ ready: true })
