import { Worker } from 'node:worker_threads'
import type { Db, Queryable, QueryOptions, QueryResult } from './db.ts'
import { PGLITE_WORKER_SOURCE, type PgliteReply, type PgliteRequest, type PgliteWorkerData, type PgliteWorkerError } from './pglite-worker.ts'

/*
 * The embedded database runs in a worker thread (pglite-worker.ts): PGlite executes SQL on the thread that calls
 * it, and on the server's thread every query blocked the event loop for as long as it ran. Rows come back by
 * structured clone, which keeps what PGlite parsed (Date, number, arrays, json objects, bytea as Uint8Array).
 */

export interface PgliteQueryOptions extends QueryOptions {
  /** Data for `COPY ... FROM '/dev/blob'`. */
  blob?: Blob
}

export interface PgliteQueryable extends Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[], options?: PgliteQueryOptions): Promise<QueryResult<R>>
}

export interface PgliteDb extends Db {
  readonly backend: 'pglite'
  query<R = Record<string, unknown>>(sql: string, params?: unknown[], options?: PgliteQueryOptions): Promise<QueryResult<R>>
  transaction<T>(fn: (tx: PgliteQueryable) => Promise<T>): Promise<T>
  /** The data directory as a tarball, for `loadDataDir` (test templates, benchmark caches). */
  dumpDataDir(compression?: 'none' | 'gzip' | 'auto'): Promise<Uint8Array<ArrayBuffer>>
}

export interface PgliteOptions {
  /** Directory for the persisted database; omit for in-memory. */
  dataDir?: string
  /** A tarball made by dumpDataDir(), to skip PostGIS initialisation in tests. */
  loadDataDir?: Blob
  /** Told when the worker dies unasked; its pending and later queries are rejected either way. Default: stderr. */
  onCrash?: (err: Error) => void
}

export function openPglite(opts: PgliteOptions = {}): Promise<PgliteDb> {
  const workerData: PgliteWorkerData = {
    resolveFrom: import.meta.url,
    dataDir: opts.dataDir,
    loadDataDir: opts.loadDataDir,
  }
  // No execArgv: the worker is plain JavaScript and needs none of the parent's loaders (tsx, vitest).
  const worker = new Worker(PGLITE_WORKER_SOURCE, { eval: true, workerData, execArgv: [] })
  return connectPgliteWorker(worker, opts.onCrash)
}

const reportCrash = (err: Error) => console.error(`gridwatch: ${err.message}`)

/** The Db over a worker speaking the pglite-worker.ts protocol; resolves once the worker says it is open. */
export async function connectPgliteWorker(worker: Worker, onCrash = reportCrash): Promise<PgliteDb> {
  const pending = new Map<number, (reply: PgliteReply) => void>()
  let nextId = 0
  let stopped: Error | undefined
  let closing: Promise<void> | undefined
  let uncaught: Error | undefined

  // While requests are out the worker keeps the process alive (a script awaiting a query must not exit); idle,
  // it does not, like PGlite on the main thread, so a database nobody closed cannot hang a process at exit.
  const track = (id: number, settle: (reply: PgliteReply) => void) => {
    pending.set(id, settle)
    if (pending.size === 1) worker.ref()
  }
  const untrack = (id: number) => {
    const settle = pending.get(id)
    pending.delete(id)
    if (pending.size === 0) worker.unref()
    return settle
  }

  worker.on('message', (reply: PgliteReply) => untrack(reply.id)?.(reply))
  worker.on('error', (err) => {
    uncaught = err
  })
  worker.on('exit', (code) => {
    stopped = closing
      ? new Error('PGlite is closed')
      : new Error(`the PGlite worker stopped (${uncaught ? `uncaught ${uncaught.name}: ${uncaught.message}` : `exit code ${code}`})`)
    const failure = { name: stopped.name, message: stopped.message, fields: {} }
    for (const id of [...pending.keys()]) untrack(id)!({ id, error: failure })
    if (!closing) onCrash(stopped)
  })

  const opened = new Promise<PgliteReply>((resolve) => track(0, resolve))

  async function request(req: PgliteRequest): Promise<unknown> {
    if (stopped) throw stopped
    const id = ++nextId
    const reply = await new Promise<PgliteReply>((resolve) => {
      track(id, resolve)
      try {
        worker.postMessage({ ...req, id })
      } catch (err) {
        // Parameters that structured clone cannot copy (functions, symbols) fail here, for this query only.
        untrack(id)
        resolve({ id, error: { name: (err as Error).name, message: (err as Error).message, fields: {} } })
      }
    })
    // Rethrown here, so the stack shows the caller rather than the message handler.
    if (reply.error) throw rebuild(reply.error)
    return reply.result
  }

  function queryable(tx?: number): PgliteQueryable {
    return {
      async query<R>(sql: string, params?: unknown[], options?: PgliteQueryOptions) {
        return (await request({ op: 'query', sql, params, blob: options?.blob, tx })) as QueryResult<R>
      },
      async exec(sql: string) {
        await request({ op: 'exec', sql, tx })
      },
    }
  }

  const open = await opened
  if (open.error) {
    await worker.terminate()
    throw rebuild(open.error)
  }

  return {
    backend: 'pglite',
    ...queryable(),
    async transaction(fn) {
      const tx = (await request({ op: 'begin' })) as number
      let result
      try {
        result = await fn(queryable(tx))
      } catch (err) {
        await request({ op: 'end', tx, commit: false })
        throw err
      }
      await request({ op: 'end', tx, commit: true })
      return result
    },
    async transact(steps) {
      await request({ op: 'transact', steps })
    },
    async dumpDataDir(compression) {
      return (await request({ op: 'dump', compression })) as Uint8Array<ArrayBuffer>
    },
    close() {
      closing ??= (async () => {
        try {
          await request({ op: 'close' })
        } finally {
          await worker.terminate()
        }
      })()
      return closing
    },
  }
}

const ERROR_CLASSES: Record<string, new (message: string) => Error> = { TypeError, RangeError, ReferenceError, SyntaxError }

/** The worker's error as the caller would have got it from PGlite in-thread: same class, message and fields. */
function rebuild(e: PgliteWorkerError): Error {
  const err = new (ERROR_CLASSES[e.name] ?? Error)(e.message)
  return Object.assign(err, e.fields)
}
