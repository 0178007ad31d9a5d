/**
 * The worker thread that owns the embedded database: it opens PGlite (with PostGIS) and answers the main
 * thread's requests, so SQL runs on another core and the server's event loop only posts SQL and receives rows.
 *
 * Why JavaScript in a string run with `eval: true` rather than a worker file: the worker has to start under tsx
 * (npm start, benchmarks), under vitest (whose TypeScript transform does not reach worker threads) and from the
 * compiled dist/ of the production image (tsc emits only .ts sources, so a sibling .js/.mjs would be missing
 * there). A string travels with this module everywhere. It is plain JavaScript for the same reason, and kept
 * small: every rule about transactions and ordering is PGlite's own (see below). Being a CommonJS script, it
 * loads PGlite's CommonJS build (same version and code as the ESM one), resolved from this directory like an
 * import here would be.
 *
 * Ordering: each message calls into PGlite synchronously on arrival, in the order the main thread sent them, and
 * PGlite queues calls first-come first-served, with a transaction holding its lock until it ends. So queries
 * issued outside a transaction while one is open wait for it, exactly as with PGlite on the calling thread.
 * A transaction's callback here just waits for the main thread's `end` message; the callback the caller passed
 * runs on the main thread and sends its queries tagged with the transaction's id.
 */

import type { TransactionStep } from './db.ts'

export interface PgliteWorkerData {
  /** The URL packages are resolved from (a string worker has no location of its own). */
  resolveFrom: string
  dataDir?: string
  loadDataDir?: Blob
}

export type PgliteRequest =
  | { op: 'query'; sql: string; params?: unknown[]; blob?: Blob; tx?: number }
  | { op: 'exec'; sql: string; tx?: number }
  | { op: 'transact'; steps: readonly TransactionStep[] }
  | { op: 'begin' }
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'dump'; compression?: 'none' | 'gzip' | 'auto' }
  | { op: 'close' }

/** An error as PGlite threw it: class name, message and its own fields (code, detail, constraint, ...). */
export interface PgliteWorkerError {
  name: string
  message: string
  fields: Record<string, unknown>
}

/** Id 0 answers the open itself; every other id answers the request sent with it. */
export type PgliteReply = { id: number; result?: unknown; error?: undefined } | { id: number; error: PgliteWorkerError }

export const PGLITE_WORKER_SOURCE = String.raw`
'use strict'
const { parentPort, workerData } = require('node:worker_threads')
const { createRequire } = require('node:module')

let pg
/** Open transactions by id: PGlite's tx object and how to end the callback that holds it open. */
const txs = new Map()
const ROLLBACK = Symbol('rollback')

function describeError(err) {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), fields: {} }
  const fields = {}
  for (const [k, v] of Object.entries(err)) {
    // queryOptions may hold a Blob: not worth copying back. params did arrive by structured clone.
    if (k === 'params' || ['string', 'number', 'boolean'].includes(typeof v)) fields[k] = v
  }
  return { name: err.name, message: err.message, fields }
}

function send(id, result) {
  try {
    const transfer = result instanceof Uint8Array ? [result.buffer] : []
    parentPort.postMessage({ id, result }, transfer)
  } catch (err) {
    parentPort.postMessage({ id, error: describeError(err) })
  }
}

function conn(tx) {
  if (tx === undefined) return pg
  const open = txs.get(tx)
  if (!open) throw new Error('Transaction is closed')
  return open.tx
}

function begin(id) {
  return new Promise((started, failed) => {
    let open = false
    const done = pg.transaction((tx) => new Promise((commit, rollback) => {
      open = true
      txs.set(id, { tx, commit, rollback, done })
      started(id)
    }))
    done.catch((err) => {
      if (!open) failed(err)
    })
  })
}

async function end(id, commit) {
  const open = txs.get(id)
  if (!open) throw new Error('Transaction is closed')
  txs.delete(id)
  if (commit) open.commit()
  else open.rollback(ROLLBACK)
  try {
    await open.done
  } catch (err) {
    if (err !== ROLLBACK) throw err
  }
}

/** Synchronous up to its first await, so PGlite sees the calls in the order they arrived. */
async function run(m) {
  switch (m.op) {
    case 'query': {
      const r = await conn(m.tx).query(m.sql, m.params, m.blob ? { blob: m.blob } : undefined)
      return { rows: r.rows, affectedRows: r.affectedRows ?? 0 }
    }
    case 'exec':
      await conn(m.tx).exec(m.sql)
      return undefined
    case 'transact':
      // COPY reads PGlite's '/dev/blob' where PostgreSQL reads STDIN.
      return pg.transaction(async (tx) => {
        for (const step of m.steps) {
          if (step.copy) await tx.query('COPY ' + step.copy + " FROM '/dev/blob' (FORMAT binary)", [], { blob: new Blob([step.rows]) })
          else await tx.query(step.sql, step.params)
        }
      })
    case 'begin':
      return begin(m.id)
    case 'end':
      return end(m.tx, m.commit)
    case 'dump': {
      const blob = await pg.dumpDataDir(m.compression)
      return new Uint8Array(await blob.arrayBuffer())
    }
    case 'close':
      return pg.close()
    default:
      throw new Error('unknown request ' + m.op)
  }
}

;(async () => {
  const load = createRequire(workerData.resolveFrom)
  const { PGlite } = load('@electric-sql/pglite')
  const { postgis } = load('@electric-sql/pglite-postgis')
  pg = await PGlite.create(workerData.dataDir, {
    extensions: { postgis },
    ...(workerData.loadDataDir ? { loadDataDir: workerData.loadDataDir } : {}),
  })
  parentPort.on('message', (m) => {
    run(m).then((result) => send(m.id, result), (err) => parentPort.postMessage({ id: m.id, error: describeError(err) }))
  })
  send(0, undefined)
})().catch((err) => parentPort.postMessage({ id: 0, error: describeError(err) }))
`
