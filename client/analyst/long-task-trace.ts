import type { CDPSession, Page } from 'playwright-core'

/** A main-thread task over 50 ms while a trace ran. */
export interface TracedTask {
  /** Wall time, ms. */
  ms: number
  /** Of it, ms blocked on the GPU process: reading the WebGL frame back, shader link queries. */
  gpuWaitMs: number
  /** CPU time the page's thread spent in it, ms: neither waits nor time other processes had the core. */
  cpuMs: number
  /** The longest piece of work in it besides those waits (e.g. `FunctionCall main.ts`, `Layout`), if any. */
  work: string
}

type TraceEvent = {
  name: string
  ph: string
  ts: number
  dur?: number
  /** Thread CPU time, µs. */
  tdur?: number
  pid: number
  tid: number
  args?: { name?: string; data?: { url?: string; functionName?: string } }
}

/** Trace events that are work on the page's thread, as opposed to the task wrappers around them. */
const WORK = new Set(['EvaluateScript', 'FunctionCall', 'HandlePostMessage', 'TimerFire', 'EventDispatch', 'Layout', 'UpdateLayoutTree', 'ParseHTML', 'MajorGC', 'MinorGC', 'Paint'])

/**
 * Records a Chromium trace around `act`. Without a GPU (headless, software compositing) Chromium reads every
 * WebGL frame back on the page's thread, which waits there until SwiftShader has drawn the frame in the GPU
 * process: map drawing then counts as main-thread time, which it does not with a GPU. The split tells that wait
 * from our own script, layout and MapLibre's JavaScript.
 */
export async function traceLongTasks(page: Page, act: () => Promise<void>): Promise<TracedTask[]> {
  const cdp: CDPSession = await page.context().newCDPSession(page)
  const events: TraceEvent[] = []
  cdp.on('Tracing.dataCollected', (d) => events.push(...(d.value as unknown as TraceEvent[])))
  await cdp.send('Tracing.start', { categories: 'toplevel,gpu,devtools.timeline', transferMode: 'ReportEvents' })
  try {
    await act()
  } finally {
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve))
    await cdp.send('Tracing.end')
    await complete
    await cdp.detach()
  }
  const mainThreads = new Set(events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`))
  const onMain = events.filter((e) => e.ph === 'X' && mainThreads.has(`${e.pid}:${e.tid}`))
  return onMain
    .filter((e) => e.name === 'ThreadControllerImpl::RunTask' && e.dur! > 50_000)
    .map((task) => {
      const inside = onMain.filter((e) => e.ts >= task.ts && e.ts + e.dur! <= task.ts + task.dur!)
      // Every synchronous call into the GPU process ends in one WaitForCmd; they do not nest.
      const gpuWait = inside.filter((e) => e.name === 'ImplementationBase::WaitForCmd').reduce((s, e) => s + e.dur!, 0)
      const work = inside.filter((e) => WORK.has(e.name)).sort((a, b) => b.dur! - a.dur!)[0]
      const where = work?.args?.data?.url?.split('/').pop() || work?.args?.data?.functionName || ''
      return { ms: task.dur! / 1000, gpuWaitMs: gpuWait / 1000, cpuMs: (task.tdur ?? 0) / 1000, work: work ? `${work.name}${where ? ` ${where}` : ''} ${Math.round(work.dur! / 1000)} ms` : '' }
    })
}
