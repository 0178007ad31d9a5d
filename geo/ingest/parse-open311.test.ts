import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { open311Status, parseOpen311Request } from './parse-open311.ts'
import { ParseError } from './parse-error.ts'

const now = new Date('2026-11-23T12:00:00Z')
const ctx = { source: 'citizen' as const, sourceId: null, now }
const fixture = readFileSync(new URL('./fixtures/open311-post.txt', import.meta.url), 'utf8').trim()
const form = (body: string) => Object.fromEntries(new URLSearchParams(body))
const base = { service_code: 'EV-0101', lat: '-34.9064', long: '-56.1631' }

function problems(params: Record<string, unknown>): Array<{ path: string; message: string }> {
  try {
    parseOpen311Request(params, ctx)
  } catch (err) {
    expect(err).toBeInstanceOf(ParseError)
    return (err as ParseError).problems
  }
  throw new Error('expected a ParseError')
}

describe('parseOpen311Request', () => {
  it('accepts the sample exactly as an Open311 client posts it', () => {
    expect(parseOpen311Request(form(fixture), ctx)).toEqual({
      source: 'citizen',
      sourceId: null,
      categoryCode: 'EV-0101',
      description: '井盖缺失，有行人跌倒风险',
      lon: -56.1631,
      lat: -34.9064,
      address: 'Avenida 18 de Julio 1200',
      mediaUrls: ['https://example.org/photo.jpg'],
      reportedAt: now,
      // Least data: the name is kept, the email is not.
      reporter: { name: 'Li' },
    })
  })

  it('keeps a grid worker as the source and joins first and last name, with a phone', () => {
    const r = parseOpen311Request({ ...base, first_name: 'Wei', last_name: 'Zhang', phone: '+598 2 900 1234' }, { ...ctx, source: 'grid_worker' })
    expect(r).toMatchObject({ source: 'grid_worker', reporter: { name: 'Wei Zhang', phone: '+598 2 900 1234' }, description: '', address: null })
  })

  it('takes several media_url values (a repeated form field) and numbers from JSON', () => {
    const r = parseOpen311Request({ ...base, lat: -34.9064, long: -56.1631, media_url: ['https://e.org/1.jpg', 'https://e.org/2.jpg'] }, ctx)
    expect(r.mediaUrls).toEqual(['https://e.org/1.jpg', 'https://e.org/2.jpg'])
    expect(r.lat).toBe(-34.9064)
  })

  it('says lat and long are required, and why an address alone is not enough', () => {
    const p = problems({ service_code: 'EV-0101', address_string: 'Avenida 18 de Julio 1200' })
    expect(p.map((x) => x.path)).toEqual(['lat', 'long'])
    expect(p[0].message).toMatch(/addresses cannot be located/)
    expect(problems({ service_code: 'EV-0101', lat: '-34.9' }).map((x) => x.path)).toEqual(['long'])
  })

  it('names each wrong field by its Open311 name', () => {
    expect(problems({ lat: 'north', long: '-56.1' }).map((x) => x.path)).toEqual(['service_code', 'lat'])
    expect(problems({ ...base, service_code: 'pothole' }).map((x) => x.path)).toEqual(['service_code'])
    expect(problems({ ...base, long: '-256.1' }).map((x) => x.path)).toEqual(['long'])
    expect(problems({ ...base, lat: '0x10' }).map((x) => x.path)).toEqual(['lat'])
    expect(problems({ ...base, lat: '0', long: '0' }).map((x) => x.path)).toEqual(['lat'])
    expect(problems({ ...base, media_url: 'ftp://e.org/x.jpg' }).map((x) => x.path)).toEqual(['media_url'])
    expect(problems({ ...base, phone: 'ring twice' }).map((x) => x.path)).toEqual(['phone'])
    expect(problems({ ...base, first_name: 'x'.repeat(101) }).map((x) => x.path)).toEqual(['first_name'])
    expect(problems({ ...base, description: 'x'.repeat(4001) }).map((x) => x.path)).toEqual(['description'])
  })

  it('rejects a field given twice (except media_url) and too many media', () => {
    expect(problems({ ...base, service_code: ['EV-0101', 'EV-0102'] })).toEqual([{ path: 'service_code', message: 'given more than once' }])
    expect(problems({ ...base, media_url: Array.from({ length: 11 }, (_, i) => `https://e.org/${i}.jpg`) }).map((x) => x.path)).toEqual(['media_url'])
    expect(problems({ ...base, media_url: [{ url: 'x' }] }).map((x) => x.path)).toEqual(['media_url'])
  })
})

describe('open311Status', () => {
  it('is closed once the case is verified, closed, voided or rejected', () => {
    expect(['reported', 'filed', 'dispatched', 'handled', 'reported_back'].map(open311Status)).toEqual(Array(5).fill('open'))
    expect(['verified', 'closed', 'voided', 'rejected'].map(open311Status)).toEqual(Array(4).fill('closed'))
  })
})
