/**
 * The console's HTTP calls. Errors keep the server's code, message and field details (the shape every route
 * answers with), so a conflict or a rejected form can say exactly what went wrong.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Array<{ path: string; message: string }> = [],
  ) {
    super(message)
  }
}

let onUnauthenticated: () => void = () => {}

/** What happens when the session has ended (401): set once by the page. */
export function whenUnauthenticated(handler: () => void): void {
  onUnauthenticated = handler
}

export async function api<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  if (res.ok) return (await res.json()) as T
  const err = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; details?: ApiError['details'] } } | null
  if (res.status === 401) onUnauthenticated()
  throw new ApiError(res.status, err?.error?.code ?? `http_${res.status}`, err?.error?.message ?? `${method} ${url}: HTTP ${res.status}`, err?.error?.details ?? [])
}
