import type pg from 'pg'
import type { TransactionStep } from './db.ts'

/** node-postgres's connection also sends COPY data, which its typings leave out. */
type Connection = pg.Connection & { sendCopyFromChunk(chunk: Buffer): void; endCopyFrom(): void }

/**
 * A transaction written to the connection at once and answered in one round trip. In the extended-query protocol
 * the statements sent before one Sync run as one implicit transaction, and a COPY's data may follow its Execute
 * straight away. If a step fails, the server skips everything up to the Sync (COPY data included) and the whole
 * transaction rolls back. Statements' rows are not read: a step is a write.
 *
 * Why not BEGIN, the statements and COMMIT one after another: each answer waits for this process's event loop,
 * and while the server parses a large request the loop is busy for tens of milliseconds at a time.
 */
export class OneTripTransaction implements pg.Submittable {
  readonly done: Promise<void>
  private settle!: (err?: Error) => void

  constructor(private readonly steps: readonly TransactionStep[]) {
    this.done = new Promise<void>((resolve, reject) => (this.settle = (err) => (err ? reject(err) : resolve())))
  }

  submit(conn: pg.Connection): void {
    try {
      this.write(conn as Connection)
    } catch (err) {
      // A value that could not be encoded, after earlier steps went out without their Sync: the connection's
      // state is unknown, so it is closed, which fails this transaction and keeps the pool from reusing it.
      conn.stream.destroy(err as Error)
    }
  }

  private write(connection: Connection): void {
    for (const step of this.steps) {
      const copy = 'copy' in step
      connection.parse({ name: '', text: copy ? `COPY ${step.copy} FROM STDIN (FORMAT binary)` : step.sql, types: [] }, true)
      connection.bind({ values: copy ? [] : step.params, valueMapper: wireValue } as pg.BindConfig, true)
      connection.execute({}, true)
      if (copy) {
        connection.sendCopyFromChunk(step.rows)
        connection.endCopyFrom()
      }
    }
    connection.sync()
  }

  /** The data is already on its way. */
  handleCopyInResponse(): void {}
  handleCommandComplete(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handleCopyData(): void {}
  handlePortalSuspended(): void {}

  /** node-postgres hands an error to the query and forgets it; the server still answers the Sync before the next. */
  handleError(err: Error): void {
    this.settle(err)
  }

  handleReadyForQuery(): void {
    this.settle()
  }
}

/** Parameters as node-postgres sends them: a Buffer in binary, anything else as text. */
function wireValue(v: unknown): unknown {
  return v === null || v === undefined || Buffer.isBuffer(v) ? (v ?? null) : String(v)
}
