import type { ZodError } from 'zod'

export interface FieldProblem {
  path: string
  message: string
}

/** A message that could not become a record, and every field that was wrong with it. */
export class ParseError extends Error {
  constructor(readonly problems: FieldProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '))
  }

  static fromZod(err: ZodError, rename: Readonly<Record<string, string>> = {}): ParseError {
    return new ParseError(
      err.issues.map((i) => {
        const path = i.path.map(String).join('.')
        return { path: rename[path] ?? path, message: i.message }
      }),
    )
  }
}
