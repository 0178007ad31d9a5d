import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { parseOsmand } from './parse-osmand.ts'
import { ParseError } from './parse-error.ts'

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8').trim().split('\n')
const query = (line: string) => Object.fromEntries(new URLSearchParams(line.replace(/^\/\?/, '')))

describe('parseOsmand', () => {
  it('accepts every sample as Traccar Client and OsmAnd send it', () => {
    const fixes = [...fixture('osmand-get.txt'), ...fixture('osmand-post.txt')].map((l) => parseOsmand(query(l)))
    expect(fixes.map((f) => f.deviceId)).toEqual(['unit-0001', 'unit-0002', 'unit-0003', 'unit-0004'])
    // Unix seconds, ISO 8601 and Unix milliseconds all land on the same clock.
    expect(fixes.map((f) => f.deviceTime.toISOString())).toEqual([
      '2025-11-23T07:00:00.000Z', '2026-11-23T07:00:05.000Z', '2025-11-23T07:00:10.000Z', '2025-11-23T07:00:15.000Z',
    ])
    expect(fixes[0]).toMatchObject({ source: 'osmand', lat: -34.9058, lon: -56.1645, headingDeg: 92.5, altitudeM: 12, batteryPct: 87 })
    // Knots to m/s.
    expect(fixes[0].speedMps).toBeCloseTo(8.3 * 0.514444, 4)
    // The older names deviceid and heading.
    expect(fixes[2]).toMatchObject({ deviceId: 'unit-0003', headingDeg: 270, accuracyM: 12 })
  })

  it('names every wrong field the way the device sent it', () => {
    try {
      parseOsmand({ id: 'u', lat: 'abc', lon: '-56.1', timestamp: 'yesterday', speed: 'fast' })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ParseError)
      expect((err as ParseError).problems.map((p) => p.path).sort()).toEqual(['lat', 'speed', 'timestamp'])
    }
  })

  it('rejects out-of-range coordinates, 0,0 and a missing id', () => {
    const base = { id: 'unit-0001', timestamp: '1763881200' }
    expect(() => parseOsmand({ ...base, lat: '95', lon: '10' })).toThrow(/lat/)
    expect(() => parseOsmand({ ...base, lat: '0', lon: '0' })).toThrow(/0,0/)
    expect(() => parseOsmand({ timestamp: '1763881200', lat: '-34.9', lon: '-56.1' })).toThrow(/id/)
    expect(() => parseOsmand({ ...base, lat: 'NaN', lon: '-56.1' })).toThrow(/lat/)
    // Number() reads these as 16 and 0: a point in range that no device meant.
    expect(() => parseOsmand({ ...base, lat: '0x10', lon: '-56.1' })).toThrow(/lat/)
    expect(() => parseOsmand({ ...base, lat: '-34.9', lon: ' ' })).toThrow(/lon/)
  })
})
