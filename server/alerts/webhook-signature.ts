import { createHmac, timingSafeEqual } from 'node:crypto'

/** `X-Gridwatch-Signature: sha256=<hex HMAC-SHA256 of the raw request body with the shared secret>`. */
export const SIGNATURE_HEADER = 'X-Gridwatch-Signature'

export function signBody(secret: string, body: Uint8Array | string): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex')
}

/** Constant-time check of a signature header against the body. */
export function verifySignature(secret: string, body: Uint8Array, header: string | undefined): boolean {
  if (!header) return false
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim())
  if (!m) return false
  const expected = createHmac('sha256', secret).update(body).digest()
  return timingSafeEqual(expected, Buffer.from(m[1], 'hex'))
}
