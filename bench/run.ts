/**
 * `npm run bench [-- NAME... --quick --flag=value]`: runs each benchmark (or those named) and prints, per
 * benchmark, a table of the baseline measured in the same run, the measured figures, their ratio and the target.
 * Targets are informational: the exit code is 0 whatever the figures (1 only if a benchmark could not run).
 * Timings never go into pass/fail tests. DATABASE_URL set: a fresh database on that PostgreSQL; else PGlite.
 */
import pino from 'pino'
import { parseArgs, numFlag } from './lib/args.ts'
import { prepareBenchCity, type BenchCity } from './lib/bench-db.ts'
import { machineSummary } from './lib/proc-stats.ts'
import { renderReport, type BenchContext, type BenchReport } from './lib/report.ts'
type Bench = (ctx: BenchContext) => Promise<BenchReport>

// Imported only when run: each benchmark's modules (a browser driver, a broker, load generators) would otherwise
// sit in this process's heap through every other benchmark, and a bigger heap means longer garbage-collector
// marking on the same two cores as the database, in the middle of the latencies being timed.
const BENCHMARKS: Record<string, () => Promise<Bench>> = {
  ingest: async () => (await import('./ingest.ts')).ingestBench,
  fanout: async () => (await import('./fanout.ts')).fanoutBench,
  hotspots: async () => (await import('./hotspots.ts')).hotspotsBench,
  'nearest-unit': async () => (await import('./nearest-unit.ts')).nearestUnitBench,
  'wall-frames': async () => (await import('./wall-frames.ts')).wallFramesBench,
  'wire-format': async () => (await import('./wire-format.ts')).wireFormatBench,
}

const HELP = `usage: npm run bench [-- [ingest] [fanout] [hotspots] [nearest-unit] [wall-frames] [wire-format] [--quick] [--flag=value ...]]
  --quick                  smaller, shorter runs (a minute or so each)
  ingest:  --rows=200000 --units=10000 --batch=5000 --senders=4 --osmand=5000 --osmand-conns=64 --mqtt=100000
           --mqtt-url=mqtt://127.0.0.1:1883  Mosquitto row through that broker instead of one started with the shipped settings
  fanout:  --units=10000 --clients=200 --full-clients=10 --client-procs=2 --seconds=20 --warmup=5 --slices=20 --events=1000
  hotspots: --incidents=1000000 --days=90 --runs=7
  nearest-unit: --fleet=20000 --queries=1000
  wall-frames: --wall-units=10000 --heat-points=500000 --seconds=15 --rounds=2
  wire-format: --wire-units=10000 --wire-rounds=30
  --prof                   profile the server process during each measured run and print where its CPU went
  DATABASE_URL=postgres://... runs on that PostgreSQL (a fresh database, dropped at the end); unset: PGlite`

const args = parseArgs(process.argv.slice(2))
if (args.flags.has('help')) {
  console.log(HELP)
  process.exit(0)
}
const names = args.names.length ? args.names : Object.keys(BENCHMARKS)
const unknown = names.filter((n) => !(n in BENCHMARKS))
if (unknown.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}\n${HELP}`)
  process.exit(2)
}

// Progress goes to stderr as plain lines; the results go to stdout.
const log = pino(
  { level: 'info', base: undefined },
  {
    write(line: string) {
      const rec = JSON.parse(line) as { msg?: string }
      if (rec.msg) process.stderr.write(`  … ${rec.msg}\n`)
    },
  },
)

const reproduce = [
  process.env.DATABASE_URL ? `DATABASE_URL=${redact(process.env.DATABASE_URL)} ` : '',
  'npm run bench',
  process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : '',
].join('')

let city: BenchCity | undefined
let failed = false
const out = (s = '') => process.stdout.write(s + '\n')
process.once('SIGINT', () => {
  void (city?.dispose() ?? Promise.resolve()).finally(() => process.exit(130))
})

try {
  const started = new Date()
  out(`gridwatch benchmarks, ${started.toISOString()}`)
  out(`machine:   ${machineSummary()}`)
  city = await prepareBenchCity(Math.max(10_000, numFlag(args, 'units', 10_000)), log)
  out(`backend:   ${city.backend} (${city.backend === 'postgres' ? 'DATABASE_URL is set' : 'DATABASE_URL unset'}): ${city.describe}`)
  out(`reproduce: ${reproduce}`)
  for (const name of names) {
    out()
    const t0 = performance.now()
    try {
      const report = await (await BENCHMARKS[name]())({ args, city, log })
      out(renderReport(report))
      out(`  (${name} took ${Math.round((performance.now() - t0) / 1000)} s)`)
    } catch (err) {
      failed = true
      out(`${name}: FAILED to run: ${(err as Error).stack ?? String(err)}`)
    }
  }
  out()
  out(`targets are informational; timings never decide a test. Total ${Math.round((Date.now() - started.getTime()) / 1000)} s.`)
} finally {
  await city?.dispose()
}
process.exit(failed ? 1 : 0)

function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return url
  }
}
