import { Session } from 'node:inspector/promises'
import { relative } from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}
export interface CpuProfile {
  nodes: ProfileNode[]
}

/** Runs fn under V8's sampling profiler (this process, this thread) and returns the profile with its result. */
export async function profiled<T>(fn: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session()
  session.connect()
  await session.post('Profiler.enable')
  await session.post('Profiler.setSamplingInterval', { interval: 500 })
  await session.post('Profiler.start')
  try {
    const result = await fn()
    const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile }
    return { result, profile }
  } finally {
    session.disconnect()
  }
}

/** Where a sample's time went, in a few buckets a reader can act on. */
function groupOf(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'garbage collection'
  if (fn === '(program)' || fn === '(root)') return 'V8/native (program)'
  if (url.startsWith('wasm:')) return 'PGlite engine: PostgreSQL + PostGIS (WASM)'
  if (url.includes('@electric-sql/pglite')) return 'PGlite JS glue (params serialised, results parsed)'
  if (/node_modules\/(pg|pg-protocol|pg-types|postgres-array)\//.test(url)) return 'pg driver (params serialised, results parsed)'
  if (url.includes('node_modules/zod')) return 'zod validation'
  if (/node_modules\/(express|body-parser|router|raw-body|qs|iconv-lite|on-finished|finalhandler|send|type-is)\//.test(url)) return 'Express + body parsing'
  if (/node_modules\/(socket\.io|engine\.io|socket\.io-parser|socket\.io-adapter|ws)\//.test(url)) return 'Socket.IO / engine.io / ws'
  if (/node_modules\/(aedes|mqtt|mqtt-packet)/.test(url)) return 'MQTT (aedes, mqtt.js)'
  if (url.includes('/server/')) return 'gridwatch server/*.ts'
  if (url.includes('/geo/')) return 'gridwatch geo/*.ts'
  if (url.includes('/bench/')) return 'bench harness'
  if (url.startsWith('node:')) return 'Node internals (http, streams, timers)'
  if (url === '') return `builtins (JSON, Date, GC-free natives)`
  return 'other'
}

/** Shares of busy time per group, then the functions with the most self time. */
export function summarizeProfile(profile: CpuProfile, root: string, topN = 12): string[] {
  const groups = new Map<string, number>()
  const self = new Map<string, number>()
  let busy = 0
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0
    const { functionName, url, lineNumber } = node.callFrame
    if (functionName === '(idle)' || hits === 0) continue
    busy += hits
    const g = groupOf(url, functionName)
    groups.set(g, (groups.get(g) ?? 0) + hits)
    const file = url.replace(/^file:\/\//, '')
    const where = url.startsWith('wasm:') ? 'wasm' : url ? `${relative(root, file) || url}:${lineNumber + 1}` : ''
    const key = `${functionName || '(anonymous)'}${where ? ` (${where})` : ''}`
    self.set(key, (self.get(key) ?? 0) + hits)
  }
  const share = (v: number) => `${((v / busy) * 100).toFixed(1).padStart(5)}%`
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1])
  return [
    'busy time by area:',
    ...sorted(groups).filter(([, v]) => v / busy >= 0.01).map(([k, v]) => `  ${share(v)} ${k}`),
    'top functions by self time:',
    ...sorted(self).slice(0, topN).map(([k, v]) => `  ${share(v)} ${k}`),
  ]
}
