import type { z } from 'zod'

/*
 * The fields of a request body that an attacker controls, found from the route's own zod schema, so the generated
 * access tests reach every field of every route, including fields and routes added later.
 */

export type FieldPath = ReadonlyArray<string | number>

/** `text`: any string (free text, codes, enums); `coordinate`: a longitude or latitude; `geometry`: a GeoJSON object. */
export interface BodyField {
  path: FieldPath
  kind: 'text' | 'coordinate' | 'geometry'
}

const COORDINATE_NAME = /^(lon|lng|long|longitude|lat|latitude)$/i

interface Def {
  type: string
  innerType?: z.ZodType
  in?: z.ZodType
  out?: z.ZodType
  shape?: Record<string, z.ZodType>
  element?: z.ZodType
  options?: z.ZodType[]
  values?: unknown[]
  getter?: () => z.ZodType
}
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def

/**
 * Every string, coordinate and GeoJSON field under `schema`, walking object shapes, optionals, defaults, arrays
 * (their first element), unions and pipes. Where `example` (a valid body) picks a union's member, only that
 * member is walked, so a discriminated body is not sent fields of its other variants.
 */
export function bodyFields(schema: z.ZodType, example: unknown, path: FieldPath = []): BodyField[] {
  const found = new Map<string, BodyField>()
  walk(schema, example, path, (f) => found.set(JSON.stringify(f.path), f))
  return [...found.values()]
}

function walk(schema: z.ZodType, example: unknown, path: FieldPath, add: (f: BodyField) => void): void {
  const def = defOf(schema)
  const name = String(path.at(-1) ?? '')
  switch (def.type) {
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return walk(def.innerType!, example, path, add)
    case 'lazy':
      return walk(def.getter!(), example, path, add)
    case 'pipe':
      // A preprocess is a pipe from a transform: the schema that validates is its output side.
      return walk(defOf(def.in!).type === 'transform' ? def.out! : def.in!, example, path, add)
    case 'object': {
      const shape = def.shape!
      if ('coordinates' in shape && 'type' in shape) return add({ path, kind: 'geometry' })
      const obj = (example ?? {}) as Record<string, unknown>
      for (const [key, field] of Object.entries(shape)) walk(field, obj[key], [...path, key], add)
      return
    }
    case 'array':
      return walk(def.element!, Array.isArray(example) ? example[0] : undefined, [...path, 0], add)
    case 'union': {
      const matching = example === undefined ? [] : def.options!.filter((o) => o.safeParse(example).success)
      for (const option of matching.length ? matching : def.options!) walk(option, example, path, add)
      return
    }
    case 'number':
    case 'int':
      if (COORDINATE_NAME.test(name)) add({ path, kind: 'coordinate' })
      return
    case 'string':
    case 'enum':
    case 'template_literal':
      return add({ path, kind: COORDINATE_NAME.test(name) ? 'coordinate' : 'text' })
    case 'literal':
      if (def.values!.some((v) => typeof v === 'string')) add({ path, kind: 'text' })
      return
    default:
  }
}

/** A copy of `value` with `replacement` at `path` (arrays and objects created on the way where missing). */
export function withField(value: unknown, path: FieldPath, replacement: unknown): unknown {
  if (!path.length) return replacement
  const [head, ...rest] = path
  const container = (
    Array.isArray(value) ? [...value] : value && typeof value === 'object' ? { ...value } : typeof head === 'number' ? [] : {}
  ) as Record<string | number, unknown>
  container[head] = withField(container[head], rest, replacement)
  return container
}
