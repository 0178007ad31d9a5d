import http from 'node:http'
import https from 'node:https'

/**
 * A small keep-alive HTTP client for many tiny requests to one server: one agent with a bounded socket pool,
 * the whole response read (so sockets go back to the pool), and network failures as rejections with the
 * system error code (ECONNREFUSED, ECONNRESET, ETIMEDOUT...), which the senders turn into retries.
 */

export interface HttpAnswer {
  status: number
  /** Seconds from a Retry-After header given in seconds; null when absent or a date. */
  retryAfterS: number | null
  /** The body, cut to a few hundred characters: only ever logged. */
  body: string
}

export interface HttpClientOptions {
  maxSockets?: number
  timeoutMs?: number
}

const MAX_BODY = 500

export class HttpClient {
  private readonly agent: http.Agent
  private readonly lib: typeof http | typeof https
  private readonly host: string
  private readonly port: number
  private readonly basePath: string
  private readonly timeoutMs: number

  constructor(baseUrl: string, options: HttpClientOptions = {}) {
    const url = new URL(baseUrl)
    const secure = url.protocol === 'https:'
    if (!secure && url.protocol !== 'http:') throw new RangeError(`not an http(s) URL: ${baseUrl}`)
    this.lib = secure ? https : http
    this.host = url.hostname
    this.port = Number(url.port) || (secure ? 443 : 80)
    this.basePath = url.pathname.replace(/\/+$/, '')
    this.timeoutMs = options.timeoutMs ?? 15_000
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 256, maxFreeSockets: options.maxSockets ?? 256 }
    this.agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions)
  }

  request(method: 'GET' | 'POST', path: string, headers: Record<string, string> = {}, body?: string): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : Buffer.from(body)
      const req = this.lib.request(
        {
          agent: this.agent,
          host: this.host,
          port: this.port,
          method,
          path: this.basePath + path,
          headers: payload ? { ...headers, 'Content-Length': String(payload.length) } : headers,
        },
        (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk: string) => {
            if (text.length < MAX_BODY) text += chunk
          })
          res.on('end', () => {
            const retry = res.headers['retry-after']
            const seconds = retry !== undefined && /^\d+$/.test(retry.trim()) ? Number(retry) : null
            resolve({ status: res.statusCode ?? 0, retryAfterS: seconds, body: text.slice(0, MAX_BODY) })
          })
          res.on('error', reject)
        },
      )
      req.setTimeout(this.timeoutMs, () => {
        const err = new Error(`no answer within ${this.timeoutMs} ms`) as NodeJS.ErrnoException
        err.code = 'ETIMEDOUT'
        req.destroy(err)
      })
      req.on('error', reject)
      req.end(payload)
    })
  }

  close(): void {
    this.agent.destroy()
  }
}

/** The system error code of a failed request, or its message. */
export function networkReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException
  return e?.code ?? e?.message ?? String(err)
}
