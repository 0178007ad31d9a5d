/** Command-line flags shared by the benchmarks: `npm run bench -- fanout --quick --clients=50`. */
export interface BenchArgs {
  /** Benchmarks named on the command line (none: all). */
  names: string[]
  quick: boolean
  /** --name=value flags, raw. */
  flags: Map<string, string>
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  const names: string[] = []
  const flags = new Map<string, string>()
  for (const a of argv) {
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(a)
    if (m) flags.set(m[1], m[2] ?? 'true')
    else names.push(a)
  }
  return { names, quick: flags.get('quick') === 'true', flags }
}

/** A numeric flag, or the quick/full default. */
export function numFlag(args: BenchArgs, name: string, full: number, quick = full): number {
  const raw = args.flags.get(name)
  if (raw === undefined) return args.quick ? quick : full
  const n = Number(raw)
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} needs a number, got "${raw}"`)
  return n
}

export const boolFlag = (args: BenchArgs, name: string) => args.flags.get(name) === 'true'
