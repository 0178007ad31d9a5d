import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import pino from 'pino'
import { loadConfig } from '../server/config/config.ts'
import { openDb } from '../server/db/open-db.ts'
import { migrate } from '../server/db/migrate.ts'
import { formatProblem, IMPORT_KINDS, kindOfFile, type ImportKind } from '../geo/import/import-kind.ts'
import { formatReport } from '../geo/import/import-report.ts'
import { importFiles, type ImportFile } from './import/import-files.ts'

const USAGE = `usage: npm run import -- [--dry-run] [--strict] [--kind grids|roads|cameras|units] <file>...
  Loads a city's own data into the configured database (DATABASE_URL, or the embedded one under DATA_DIR).
  Every file is validated before any is written; then each is written in one transaction.
  A file's kind is --kind, or the one of grids, roads, cameras, units its name contains (city-roads.geojson);
  GeoJSON files end in .geojson or .json, CSV files in .csv (UTF-8, commas, a header line first).
    grids    GeoJSON Polygons/MultiPolygons; replaces the whole area hierarchy and re-grids what lies in it
    roads    GeoJSON LineStrings with OSM tags; replaces the routable road graph
    cameras  CSV or GeoJSON Points; adds or updates cameras by id
    units    CSV or GeoJSON Points (the home); adds or updates units and their devices by id
  --dry-run  validate and report, write nothing
  --strict   treat warnings (overlapping grids, gaps between them, unknown columns) as errors
  exit status: 0 imported (or valid, with --dry-run), 1 invalid or failed (see the report), 2 usage error`

function usageError(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`)
  process.exit(2)
}

function parseCommandLine() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean', default: false },
        strict: { type: 'boolean', default: false },
        kind: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    })
  } catch (err) {
    usageError((err as Error).message)
  }
}

function configured() {
  try {
    return loadConfig()
  } catch (err) {
    usageError((err as Error).message)
  }
}

const { values, positionals } = parseCommandLine()
if (values.help) {
  process.stdout.write(`${USAGE}\n`)
  process.exit(0)
}
if (positionals.length === 0) usageError('no files given')
if (values.kind !== undefined && !IMPORT_KINDS.includes(values.kind as ImportKind)) {
  usageError(`--kind must be one of ${IMPORT_KINDS.join(', ')}`)
}

const files: ImportFile[] = positionals.map((path) => {
  const kind = (values.kind as ImportKind | undefined) ?? kindOfFile(path)
  if (!kind) {
    usageError(`${path}: cannot tell its kind from the name; add --kind or put one of ${IMPORT_KINDS.join(', ')} in the name`)
  }
  const problem = formatProblem(path, kind)
  if (problem) usageError(`${path}: ${problem}`)
  try {
    return { path, kind, text: readFileSync(path, 'utf8') }
  } catch (err) {
    usageError(`${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`)
  }
})
for (const kind of ['grids', 'roads'] as const) {
  if (files.filter((f) => f.kind === kind).length > 1) usageError(`one ${kind} file at a time: each replaces all ${kind}`)
}

const config = configured()
// The report is this command's output on stdout; progress goes to stderr, written at once so it never lands in
// the middle of the report, and `> report.txt` keeps only the report.
const log = pino({ level: config.LOG_LEVEL, base: { service: 'gridwatch' } }, pino.destination({ fd: 2, sync: true }))
try {
  log.info(config.DATABASE_URL ? 'connecting to PostgreSQL' : 'opening the embedded database (its first start takes ~20 s)')
  const db = await openDb({ databaseUrl: config.DATABASE_URL, pgliteDir: config.pgliteDir })
  try {
    await migrate(db, (m) => log.info(`applying ${m}`))
    log.info(`checking ${files.length} file${files.length === 1 ? '' : 's'}`)
    const result = await importFiles(db, files, { dryRun: values['dry-run'], strict: values.strict })
    process.stdout.write(`${formatReport(result.reports, result.outcome)}\n`)
    process.exitCode = result.outcome === 'written' || result.outcome === 'validated' ? 0 : 1
  } finally {
    await db.close()
  }
} catch (err) {
  // The files were fine as far as anyone knows; the database was not reachable or not migratable.
  process.stderr.write(`import stopped: ${(err as Error).message}\n`)
  process.exitCode = 1
}
