import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port.ts'

const BIN = '/usr/lib/postgresql/15/bin'

/** Whether this machine has the PostgreSQL 15 server binaries (CI and the dev machine do). */
export const canRunPrivatePostgres = () => existsSync(join(BIN, 'pg_ctl')) && process.platform === 'linux'

/**
 * A throwaway PostgreSQL server of our own, so a test can stop and start a real database without pulling the
 * shared one from under the other test files. PostgreSQL refuses to run as root, so as root it runs as postgres.
 */
export async function startPrivatePostgres(): Promise<{ url: string; stop(): void; start(): void; destroy(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'gw-pg-'))
  chmodSync(dir, 0o777)
  const data = join(dir, 'data')
  const port = await freePort()
  const asOwner = (cmd: string, args: string[]) => {
    const full = join(BIN, cmd)
    if (process.getuid?.() === 0) execFileSync('runuser', ['-u', 'postgres', '--', full, ...args], { stdio: 'pipe' })
    else execFileSync(full, args, { stdio: 'pipe' })
  }
  asOwner('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8'])
  const start = () => asOwner('pg_ctl', ['-D', data, '-w', '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start'])
  const stop = () => asOwner('pg_ctl', ['-D', data, '-w', '-m', 'fast', 'stop'])
  start()
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    destroy() {
      try {
        stop()
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
