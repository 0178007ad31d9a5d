import { z } from 'zod'
import type { Role } from '../auth/principal.ts'

/** One route as the OpenAPI document describes it; the schemas are the same zod objects the route validates with. */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete'
  /** OpenAPI path template, e.g. `/api/v1/units/{id}/track`. */
  path: string
  summary: string
  tags: string[]
  query?: z.ZodType
  body?: z.ZodType
  /** `application/json` unless a form-encoded protocol says otherwise. */
  bodyType?: 'application/json' | 'application/x-www-form-urlencoded'
  response?: z.ZodType
  /** Status codes besides 200 this route answers with on purpose. */
  errors?: number[]
  /** Roles allowed to call it (checked by the route, listed here so the access tests are generated from this table). */
  roles?: readonly Role[]
  /**
   * For routes not behind a user session, what protects them instead: nothing (`public`: health, Open311 reads,
   * the login form), a per-device ingest key (`device-key`) or an HMAC signature (`signature`). A route with
   * neither `roles` nor `access` fails the generated access tests.
   */
  access?: 'public' | 'device-key' | 'signature'
}

/** Every documented route (the generated access tests walk this). */
export function documentedRoutes(): readonly RouteDoc[] {
  return routes
}

const routes: RouteDoc[] = []

/** Route modules call this next to where they validate, so the document cannot drift from the code. */
export function documentRoute(doc: RouteDoc): void {
  if (!routes.some((r) => r.method === doc.method && r.path === doc.path)) routes.push(doc)
}

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })

const ERROR_SCHEMA = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
}

export function openApiDocument(): object {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const r of [...routes].sort((a, b) => a.path.localeCompare(b.path))) {
    const query = r.query ? (jsonSchema(r.query) as { properties?: Record<string, unknown>; required?: string[] }) : undefined
    const pathParams = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }))
    const queryParams = Object.entries(query?.properties ?? {}).map(([name, schema]) => ({
      name, in: 'query', required: query?.required?.includes(name) ?? false, schema,
    }))
    const responses: Record<string, unknown> = {
      200: { description: 'OK', ...(r.response ? { content: { 'application/json': { schema: jsonSchema(r.response) } } } : {}) },
    }
    for (const status of r.errors ?? [400]) {
      responses[status] = { description: 'error', content: { 'application/json': { schema: ERROR_SCHEMA } } }
    }
    ;(paths[r.path] ??= {})[r.method] = {
      summary: r.summary,
      tags: r.tags,
      parameters: [...pathParams, ...queryParams],
      ...(r.roles ? { security: [{ bearer: [] }, { session: [] }], 'x-roles': r.roles } : {}),
      ...(r.access && r.access !== 'public' ? { 'x-access': r.access } : {}),
      ...(r.body ? { requestBody: { required: true, content: { [r.bodyType ?? 'application/json']: { schema: jsonSchema(r.body) } } } } : {}),
      responses,
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'gridwatch API', version: '1' },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'token from POST /api/v1/auth/login or an admin-issued API token' },
        session: { type: 'apiKey', in: 'cookie', name: 'gw_session' },
      },
    },
    paths,
  }
}
