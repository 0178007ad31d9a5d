import { closeSync, existsSync, openSync, readdirSync, rmSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger } from './logger.ts'

const CLIENT_SRC = fileURLToPath(new URL('../client/', import.meta.url))
/** A build that holds the lock longer than this died without removing it. */
const STALE_LOCK_MS = 10 * 60_000

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name.startsWith('.')) continue
    const p = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

function isFresh(distDir: string): boolean {
  const index = join(distDir, 'index.html')
  return existsSync(index) && statSync(index).mtimeMs >= newestMtime(CLIENT_SRC)
}

function lockAge(lock: string): number {
  try {
    return Date.now() - statSync(lock).mtimeMs
  } catch {
    return 0
  }
}

/**
 * In a source checkout `npm start` builds the pages when they are missing or older than their sources, so the
 * two README commands are all a new user needs. A production image ships client/dist and never gets here.
 * Processes started together (replicas, parallel tests) take turns through a lock file beside the output: Vite
 * empties the output folder first, so two builds at once would delete each other's pages.
 */
export async function ensureClientBuilt(distDir: string, log: Logger): Promise<void> {
  if (isFresh(distDir)) return
  const lock = join(dirname(distDir.replace(/\/+$/, '')), '.dist-building')
  let fd: number
  for (;;) {
    try {
      fd = openSync(lock, 'wx')
      break
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      if (lockAge(lock) > STALE_LOCK_MS) rmSync(lock, { force: true })
      else await new Promise((r) => setTimeout(r, 500))
      if (isFresh(distDir)) return
    }
  }
  try {
    if (isFresh(distDir)) return
    log.info('building the web pages (Vite)…')
    const t0 = Date.now()
    const { build } = await import('vite')
    await build({ logLevel: 'warn' })
    log.info(`web pages built in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  } finally {
    closeSync(fd)
    rmSync(lock, { force: true })
  }
}
