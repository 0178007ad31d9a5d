import { describe, expect, it } from 'vitest'
import { fromIncidentEntry, MAX_MEDIA_URLS } from './incident-report.ts'
import { ParseError } from './parse-error.ts'

const now = new Date('2026-11-23T12:00:00Z')
const entry = { categoryCode: 'EV-0101', lon: -56.1631, lat: -34.9064 }
const parse = (body: unknown, idempotencyKey: string | null = null) => fromIncidentEntry(body, { idempotencyKey, now })

function problems(body: unknown, idempotencyKey: string | null = null): string[] {
  try {
    parse(body, idempotencyKey)
  } catch (err) {
    expect(err).toBeInstanceOf(ParseError)
    return (err as ParseError).problems.map((p) => p.path)
  }
  throw new Error('expected a ParseError')
}

describe('fromIncidentEntry', () => {
  it('fills the defaults: an operator report, now, no text, no media, no reporter', () => {
    expect(parse(entry)).toEqual({
      source: 'operator', sourceId: null, categoryCode: 'EV-0101', description: '', lon: -56.1631, lat: -34.9064,
      address: null, mediaUrls: [], reportedAt: now, reporter: null,
    })
  })

  it('keeps what was given, trimmed, with the idempotency key as the source id', () => {
    const r = parse(
      {
        ...entry, source: 'citizen', description: '  井盖缺失  ', address: ' Av. 18 de Julio 1200 ', mediaUrls: ['https://example.org/a.jpg'],
        reportedAt: '2026-11-23T08:30:00-03:00', reporter: { name: ' Li ', phone: '+598 99 123 456' },
      },
      'call-7f3a',
    )
    expect(r).toMatchObject({
      source: 'citizen', sourceId: 'call-7f3a', description: '井盖缺失', address: 'Av. 18 de Julio 1200',
      mediaUrls: ['https://example.org/a.jpg'], reporter: { name: 'Li', phone: '+598 99 123 456' },
    })
    expect(r.reportedAt.toISOString()).toBe('2026-11-23T11:30:00.000Z')
  })

  it('reads a blank address as none and a phone-only reporter as such', () => {
    expect(parse({ ...entry, address: '   ', reporter: { phone: '12345' } })).toMatchObject({ address: null, reporter: { phone: '12345' } })
  })

  it('names every wrong field at once', () => {
    expect(problems({ categoryCode: 'manhole', lon: 200, lat: 'x', source: 'twitter' }).sort()).toEqual(['categoryCode', 'lat', 'lon', 'source'])
  })

  it('rejects a body that is not an object, and missing required fields', () => {
    expect(problems(undefined)).toEqual([''])
    expect(problems([entry])).toEqual([''])
    expect(problems({}).sort()).toEqual(['categoryCode', 'lat', 'lon'])
  })

  it('rejects fields it does not know, so a typo is not silently dropped', () => {
    expect(problems({ ...entry, adress: 'x' })).toEqual([''])
  })

  it('rejects 0,0, a far-future report time and a time without a zone', () => {
    expect(problems({ ...entry, lon: 0, lat: 0 })).toEqual(['lat'])
    expect(problems({ ...entry, reportedAt: '2026-11-23T13:00:00Z' })).toEqual(['reportedAt'])
    expect(problems({ ...entry, reportedAt: '2026-11-23T11:00:00' })).toEqual(['reportedAt'])
    // A phone clock a minute fast is fine.
    expect(parse({ ...entry, reportedAt: '2026-11-23T12:01:00Z' }).reportedAt.toISOString()).toBe('2026-11-23T12:01:00.000Z')
  })

  it('rejects media that are not http(s) URLs, or too many', () => {
    expect(problems({ ...entry, mediaUrls: ['file:///etc/passwd'] })).toEqual(['mediaUrls.0'])
    expect(problems({ ...entry, mediaUrls: ['not a url'] })).toEqual(['mediaUrls.0'])
    expect(problems({ ...entry, mediaUrls: Array.from({ length: MAX_MEDIA_URLS + 1 }, (_, i) => `https://e.org/${i}.jpg`) })).toEqual(['mediaUrls'])
  })

  it('rejects a reporter with a bad phone, an empty reporter, and contact fields beyond name and phone', () => {
    expect(problems({ ...entry, reporter: { phone: 'call me' } })).toEqual(['reporter.phone'])
    expect(problems({ ...entry, reporter: {} })).toEqual(['reporter'])
    expect(problems({ ...entry, reporter: { name: 'Li', email: 'li@example.org' } })).toEqual(['reporter'])
  })

  it('rejects a too long description', () => {
    expect(problems({ ...entry, description: 'x'.repeat(4001) })).toEqual(['description'])
  })

  it('rejects an idempotency key with spaces or over 128 characters, together with body problems', () => {
    expect(problems(entry, 'two words')).toEqual(['idempotencyKey'])
    expect(problems(entry, 'k'.repeat(129))).toEqual(['idempotencyKey'])
    expect(problems({ ...entry, lon: 'x' }, '')).toEqual(['lon', 'idempotencyKey'])
  })
})
