/** One record and the line it starts on (a quoted field may run over several lines). */
export interface CsvRecord {
  line: number
  fields: string[]
}

export interface CsvProblem {
  line: number
  column: number
  message: string
}

/**
 * RFC 4180: comma-separated fields, records ending in CRLF or LF, fields in double quotes may hold commas,
 * line breaks and doubled quotes. A UTF-8 byte-order mark (as spreadsheets write) is dropped, blank lines are
 * skipped. A malformed record is reported with its line and column and left out; parsing goes on with the
 * next line, so one stray quote does not hide the rest of the file's problems.
 */
export function parseCsv(text: string): { records: CsvRecord[]; problems: CsvProblem[] } {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text
  const records: CsvRecord[] = []
  const problems: CsvProblem[] = []
  let i = 0
  let line = 1
  let column = 1
  const step = () => {
    if (src[i] === '\n') {
      line++
      column = 1
    } else column++
    i++
  }
  const atLineEnd = () => src[i] === '\n' || (src[i] === '\r' && (src[i + 1] === '\n' || i + 1 === src.length))
  const atFieldEnd = () => i >= src.length || src[i] === ',' || atLineEnd()
  const fail = (message: string, at = { line, column }) => {
    problems.push({ ...at, message })
    return false as const
  }

  function quoted(): string | false {
    const opening = { line, column }
    let value = ''
    step()
    for (;;) {
      if (i >= src.length) return fail('quoted field is never closed', opening)
      if (src[i] === '"') {
        step()
        if (src[i] !== '"') break
      }
      value += src[i]
      step()
    }
    return atFieldEnd() ? value : fail('text after a closing quote (a quote inside a quoted field is written "")')
  }

  function unquoted(): string | false {
    const start = i
    while (!atFieldEnd()) {
      if (src[i] === '"') return fail('quote inside an unquoted field (quote the whole field and double the quote)')
      step()
    }
    return src.slice(start, i)
  }

  while (i < src.length) {
    const record: CsvRecord = { line, fields: [] }
    let ok = true
    for (;;) {
      const field = src[i] === '"' ? quoted() : unquoted()
      if (field === false) {
        ok = false
        while (i < src.length && !atLineEnd()) step()
        break
      }
      record.fields.push(field)
      if (src[i] !== ',') break
      step()
    }
    if (src[i] === '\r') step()
    if (src[i] === '\n') step()
    const blank = record.fields.length === 1 && record.fields[0] === ''
    if (ok && !blank) records.push(record)
  }
  return { records, problems }
}
