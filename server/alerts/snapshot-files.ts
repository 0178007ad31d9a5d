import { randomBytes } from 'node:crypto'
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * Uploaded alert snapshots as `<dir>/<alert id>.jpg` (DATA_DIR/snapshots). Several server processes need
 * this directory on shared storage. A file is written whole (temporary name, fsync, rename), so a reader
 * never sees half a JPEG and a crash leaves at worst a stray temporary file.
 */
export class SnapshotFiles {
  constructor(readonly dir: string) {}

  path(alertId: number): string {
    return join(this.dir, `${alertId}.jpg`)
  }

  async save(alertId: number, jpeg: Uint8Array): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    const tmp = join(this.dir, `.${alertId}.${randomBytes(6).toString('hex')}.tmp`)
    const f = await open(tmp, 'w')
    try {
      await f.writeFile(jpeg)
      await f.sync()
    } finally {
      await f.close()
    }
    try {
      await rename(tmp, this.path(alertId))
    } catch (err) {
      await rm(tmp, { force: true })
      throw err
    }
  }

  /** The JPEG, or null if this alert has none on disk. */
  async read(alertId: number): Promise<Buffer | null> {
    try {
      return await readFile(this.path(alertId))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw err
    }
  }
}
