import { describe, expect, it } from 'vitest'
import { parseCsv } from './csv.ts'

const fields = (text: string) => parseCsv(text).records.map((r) => r.fields)

describe('parseCsv', () => {
  it('splits records on LF and CRLF, with or without a final line break', () => {
    expect(fields('a,b\n1,2\n')).toEqual([['a', 'b'], ['1', '2']])
    expect(fields('a,b\r\n1,2')).toEqual([['a', 'b'], ['1', '2']])
    expect(fields('a,b\r\n1,2\r\n')).toEqual([['a', 'b'], ['1', '2']])
  })

  it('keeps empty fields, including a trailing one', () => {
    expect(fields('a,,c,\n')).toEqual([['a', '', 'c', '']])
  })

  it('reads quoted fields with commas, doubled quotes and line breaks', () => {
    const { records, problems } = parseCsv('name,note\r\n"Gate, north","say ""hi"""\r\n"two\r\nlines",x\r\nlast,y\r\n')
    expect(problems).toEqual([])
    expect(records).toEqual([
      { line: 1, fields: ['name', 'note'] },
      { line: 2, fields: ['Gate, north', 'say "hi"'] },
      { line: 3, fields: ['two\r\nlines', 'x'] },
      { line: 5, fields: ['last', 'y'] },
    ])
  })

  it('drops a byte-order mark and skips blank lines without losing line numbers', () => {
    const { records } = parseCsv('\uFEFFid\n\n7\n')
    expect(records).toEqual([{ line: 1, fields: ['id'] }, { line: 3, fields: ['7'] }])
  })

  it('reports a stray quote with its line and column and goes on with the next line', () => {
    const { records, problems } = parseCsv('id,name\n1,Ab"c\n2,ok\n')
    expect(problems).toEqual([{ line: 2, column: 5, message: expect.stringContaining('quote inside an unquoted field') }])
    expect(records.map((r) => r.line)).toEqual([1, 3])
  })

  it('reports text after a closing quote', () => {
    const { problems } = parseCsv('"ab"c,d\n')
    expect(problems).toEqual([{ line: 1, column: 5, message: expect.stringContaining('after a closing quote') }])
  })

  it('reports a quote that is never closed where it opens', () => {
    const { records, problems } = parseCsv('id,name\n1,"open\n2,more\n')
    expect(problems).toEqual([{ line: 2, column: 3, message: 'quoted field is never closed' }])
    expect(records).toHaveLength(1)
  })
})
