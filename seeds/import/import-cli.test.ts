import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../../', import.meta.url))
const fixtures = 'geo/import/fixtures/'
const dataDir = mkdtempSync(join(tmpdir(), 'gw-import-cli-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

/** Runs `npm run import -- ...args` the way a person would, on an embedded database of its own. */
function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' }
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'seeds/import-cli.ts', ...args], { cwd: root, env }, (err, stdout, stderr) => {
      resolve({ status: err ? Number(err.code) : 0, stdout, stderr })
    })
  })
}

describe('npm run import', () => {
  it('answers a usage error with the usage and status 2, before opening any database', async () => {
    const runs = await Promise.all([
      cli(),
      cli('--frobnicate', `${fixtures}four-grids.geojson`),
      cli('--kind', 'lamps', `${fixtures}four-grids.geojson`),
      cli('city.geojson'),
      cli('--kind', 'grids', `${fixtures}cameras.csv`),
      cli(`${fixtures}no-such-grids.geojson`),
      cli(`${fixtures}four-grids.geojson`, `${fixtures}bow-tie-grids.geojson`),
    ])
    expect(runs.map((r) => r.status)).toEqual([2, 2, 2, 2, 2, 2, 2])
    expect(runs.map((r) => r.stderr.split('\n')[0])).toEqual([
      'no files given',
      expect.stringContaining("Unknown option '--frobnicate'"),
      '--kind must be one of grids, roads, cameras, units',
      'city.geojson: cannot tell its kind from the name; add --kind or put one of grids, roads, cameras, units in the name',
      `${fixtures}cameras.csv: grids are read from .geojson files`,
      `${fixtures}no-such-grids.geojson: no such file`,
      'one grids file at a time: each replaces all grids',
    ])
    expect(runs[0].stderr).toContain('usage: npm run import -- [--dry-run] [--strict]')
  })

  // One run: the first use of an empty data directory builds the embedded database, which takes a while.
  it('prints the report of every file and exits 1 when one of them is invalid', { timeout: 240_000 }, async () => {
    const run = await cli('--dry-run', `${fixtures}four-grids.geojson`, `${fixtures}cameras-bad-line.csv`)
    expect(run.stderr).toBe('')
    expect(run.status).toBe(1)
    expect(run.stdout.split('\n')).toEqual([
      `grids ${fixtures}four-grids.geojson`,
      '  features: 4, grids: 4, communities: 2, streets: 1, cities: 1, drawn from their children: 4',
      `cameras ${fixtures}cameras-bad-line.csv`,
      '  cameras: 3',
      '  line 3, field heading_deg: error: must be 0…360',
      '  line 3, field placement: error: must be one of main_road, key_place, entrance, checkpoint, downtown, public_place',
      '2 files, 2 errors, 0 warnings, 0 fixed: not imported: fix the errors above; nothing was written',
      '',
    ])
  })
})
