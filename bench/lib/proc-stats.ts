import { readdirSync, readFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'

/** Clock ticks per second for /proc/<pid>/stat times; 100 on every Linux this runs on. */
const TICKS = 100

/** CPU seconds (user + system) a process has used so far, from /proc; NaN if it is gone or not on Linux. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name may hold spaces; fields after its closing parenthesis are fixed.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(f[11]) + Number(f[12])) / TICKS
  } catch {
    return NaN
  }
}

/**
 * A probe for the PostgreSQL processes that work for one database: its backends (process title
 * "postgres: ... <user> <database> ...") and the server's WAL writer, checkpointer and background writer (shared
 * with anyone else using that server, but on a bench run mostly busy with its writes). Cumulative and per process,
 * so backends that come and go (the pool opens and closes connections) neither vanish from nor subtract from it.
 */
export function postgresCpuProbe(database: string): () => number {
  const last = new Map<number, number>()
  let total = 0
  return () => {
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue
      let title: string
      try {
        title = readFileSync(`/proc/${d}/cmdline`, 'utf8').replaceAll('\0', ' ')
      } catch {
        continue
      }
      if (!title.startsWith('postgres: ')) continue
      if (!title.includes(` ${database} `) && !/: (walwriter|checkpointer|background writer)\b/.test(title)) continue
      const pid = Number(d)
      const now = cpuSeconds(pid)
      if (Number.isNaN(now)) continue
      total += now - (last.get(pid) ?? 0)
      last.set(pid, now)
    }
    return total
  }
}

/**
 * A probe for the CPU of every process descended from `root` (not `root` itself): a browser that a benchmark
 * launched, with its renderer, GPU and utility processes. Cumulative per process, like the PostgreSQL probe, so a
 * process that exits keeps what it used. CPU seconds, unlike frame times, do not grow when another program takes
 * turns on the same cores.
 */
export function descendantsCpuProbe(root: number): () => number {
  const last = new Map<number, number>()
  let total = 0
  return () => {
    const parent = new Map<number, number>()
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8')
        parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
      } catch {
        continue
      }
    }
    const descends = (pid: number): boolean => {
      for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) if (p === root) return true
      return false
    }
    for (const pid of parent.keys()) {
      if (!descends(pid)) continue
      const now = cpuSeconds(pid)
      if (Number.isNaN(now)) continue
      total += now - (last.get(pid) ?? 0)
      last.set(pid, now)
    }
    return total
  }
}

/** Busy and total CPU seconds of the whole machine (all cores) so far. */
export function machineCpu(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]
    const v = line.trim().split(/\s+/).slice(1).map(Number)
    const idle = v[3] + (v[4] ?? 0)
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0)
    return { busy: (total - idle) / TICKS, total: total / TICKS }
  } catch {
    return { busy: NaN, total: NaN }
  }
}

/** CPU use between two moments, as % of one core, for a set of named probes. */
export class CpuMeter {
  private start = new Map<string, number>()
  private t0 = 0
  private m0 = machineCpu()
  constructor(private readonly probes: Record<string, () => number>) {}

  begin(): void {
    this.t0 = performance.now()
    this.m0 = machineCpu()
    for (const [k, f] of Object.entries(this.probes)) this.start.set(k, f())
  }

  /** % of one core per probe over the interval, plus `machine` (% of all cores busy, whoever used them). */
  end(): Record<string, number> {
    const s = (performance.now() - this.t0) / 1000
    const out: Record<string, number> = {}
    for (const [k, f] of Object.entries(this.probes)) out[k] = ((f() - this.start.get(k)!) / s) * 100
    const m1 = machineCpu()
    out.machine = ((m1.busy - this.m0.busy) / (m1.total - this.m0.total)) * 100
    return out
  }
}

export function machineSummary(): string {
  const c = cpus()
  const model = c[0]?.model.trim() ?? 'unknown CPU'
  return `${c.length} cores (${model}), ${Math.round(totalMemGiB())} GiB, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`
}

function totalMemGiB(): number {
  const m = /MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))
  return m ? Number(m[1]) / 1024 / 1024 : NaN
}
