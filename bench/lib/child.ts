import { fork, type ChildProcess } from 'node:child_process'

/** Starts a bench helper (a .ts file) in its own Node process, with tsx as the parent has it. */
export function forkHelper(script: URL, extraExecArgv: string[] = []): ChildProcess {
  return fork(script, [], {
    serialization: 'advanced',
    execArgv: [...process.execArgv, ...extraExecArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
}

/** The child's next message that satisfies `pick` (default: any); rejects if it exits first or time runs out. */
export function nextMessage<T>(child: ChildProcess, pick: (m: T) => boolean = () => true, timeoutMs = 300_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (m: unknown) => {
      if (!pick(m as T)) return
      cleanup()
      resolve(m as T)
    }
    const onExit = (code: number | null, signal: string | null) => {
      cleanup()
      reject(new Error(`bench helper exited (${signal ?? code}) before answering`))
    }
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`bench helper did not answer within ${timeoutMs / 1000} s`))
    }, timeoutMs)
    const cleanup = () => {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
    }
    child.on('message', onMessage)
    child.once('exit', onExit)
  })
}

/** Asks a helper to stop; kills it if it has not exited within the grace period. */
export async function stopHelper(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  if (child.connected) child.send({ kind: 'stop' })
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
}
