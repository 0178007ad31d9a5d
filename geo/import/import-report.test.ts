import { describe, expect, it } from 'vitest'
import { escalateWarnings, formatIssue, formatReport, hasErrors, issue, type FileReport } from './import-report.ts'

describe('import report', () => {
  it('says where a problem is as precisely as it is known', () => {
    expect(formatIssue(issue('fix', 'Self-intersection', { feature: 17, code: '999001001001001' }))).toBe(
      'feature 17 (code 999001001001001): fixed: Self-intersection',
    )
    expect(formatIssue(issue('error', 'must be 0…360', { line: 3, field: 'heading_deg' }))).toBe('line 3, field heading_deg: error: must be 0…360')
    expect(formatIssue(issue('error', 'quoted field is never closed', { line: 2, column: 7 }))).toBe(
      'line 2, column 7: error: quoted field is never closed',
    )
    expect(formatIssue(issue('warning', 'gap of 406 m²'))).toBe('warning: gap of 406 m²')
  })

  it('turns warnings, and only warnings, into errors under --strict', () => {
    const issues = escalateWarnings([issue('fix', 'a'), issue('warning', 'b')])
    expect(issues.map((i) => i.severity)).toEqual(['fix', 'error'])
    expect(hasErrors(issues)).toBe(true)
  })

  it('prints counts, then fixes, warnings and errors in file order, then the outcome', () => {
    const report: FileReport = {
      file: 'cameras.csv',
      kind: 'cameras',
      counts: { cameras: 1200 },
      issues: [issue('error', 'b', { line: 9 }), issue('warning', 'w', { line: 1, field: 'extra' }), issue('error', 'a', { line: 4 })],
      written: false,
      changes: {},
    }
    expect(formatReport([report], 'rejected').split('\n')).toEqual([
      'cameras cameras.csv',
      '  cameras: 1,200',
      '  line 1, field extra: warning: w',
      '  line 4: error: a',
      '  line 9: error: b',
      '1 file, 2 errors, 1 warning, 0 fixed: not imported: fix the errors above; nothing was written',
    ])
  })

  it('shows at most 50 issues of a kind per file and counts the rest', () => {
    const issues = Array.from({ length: 60 }, (_, i) => issue('warning', 'overlap', { feature: i }))
    const text = formatReport([{ file: 'g.geojson', kind: 'grids', counts: {}, issues, written: true, changes: {} }], 'written')
    expect(text).toContain('feature 49: warning: overlap')
    expect(text).not.toContain('feature 50:')
    expect(text).toContain('… 10 more (warning)')
    expect(text.split('\n')[0]).toBe('grids g.geojson (written)')
  })
  it('lists what a write changed on its own lines, wrapped', () => {
    const changes = Object.fromEntries(['incident', 'camera', 'camera_alert', 'station', 'unit'].map((t) => [`${t} grid codes changed`, 1234]))
    const text = formatReport([{ file: 'g.geojson', kind: 'grids', counts: { grids: 4 }, issues: [], written: true, changes }], 'written')
    expect(text.split('\n')).toEqual([
      'grids g.geojson (written)',
      '  grids: 4',
      '  written: incident grid codes changed: 1,234, camera grid codes changed: 1,234,',
      '    camera_alert grid codes changed: 1,234, station grid codes changed: 1,234, unit grid codes changed: 1,234',
      '1 file, 0 errors, 0 warnings, 0 fixed: imported',
    ])
  })
})
