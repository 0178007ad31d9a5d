import { describe, expect, it } from 'vitest'
import { MAX_BULK_POSITIONS, parseBulkPositions } from './parse-bulk.ts'
import { ParseError } from './parse-error.ts'

const item = { deviceId: 'unit-0001', time: '2026-11-23T07:00:00Z', lat: -34.9, lon: -56.16, speed: 5 }

describe('parseBulkPositions', () => {
  it('parses a batch', () => {
    const fixes = parseBulkPositions([item, { ...item, time: 1795417200, heading: 90 }])
    expect(fixes).toHaveLength(2)
    expect(fixes[1]).toMatchObject({ source: 'bulk', headingDeg: 90, speedMps: 5, accuracyM: null })
  })

  it('reports every bad item by index and rejects the whole batch', () => {
    try {
      parseBulkPositions([item, { ...item, lat: 200 }, { ...item, extra: 1 }, { ...item, time: 'soon' }])
      expect.unreachable()
    } catch (err) {
      expect((err as ParseError).problems.map((p) => p.path)).toEqual(['[1].lat', '[2]', '[3].time'])
    }
  })

  it('refuses non-arrays, empty and oversize batches', () => {
    expect(() => parseBulkPositions({})).toThrow(/array/)
    expect(() => parseBulkPositions([])).toThrow(/empty/)
    expect(() => parseBulkPositions(Array(MAX_BULK_POSITIONS + 1).fill(item))).toThrow(/at most/)
  })
})
