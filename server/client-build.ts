import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Logger } from './logger.ts'

const CLIENT_SRC = fileURLToPath(new URL('../client/', import.meta.url))

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name.startsWith('.')) continue
    const p = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

/**
 * In a source checkout `npm start` builds the pages when they are missing or older than their sources, so the
 * two README commands are all a new user needs. A production image ships client/dist and never gets here.
 */
export async function ensureClientBuilt(distDir: string, log: Logger): Promise<void> {
  const index = join(distDir, 'index.html')
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(CLIENT_SRC)) return
  log.info('building the web pages (Vite)…')
  const t0 = Date.now()
  const { build } = await import('vite')
  await build({ logLevel: 'warn' })
  log.info(`web pages built in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
}
