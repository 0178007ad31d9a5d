import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto'

/**
 * A delivery is signed over its timestamp, a nonce and the exact body:
 * `X-Gridwatch-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<nonce>.<raw body>" with the shared secret>`.
 * The timestamp (Unix seconds) must be within MAX_SKEW_S of ours and a nonce is taken once, so a captured
 * delivery cannot be sent again; a sender's retry uses a new nonce and updates the same alert (same id).
 */
export const SIGNATURE_HEADER = 'X-Gridwatch-Signature'
export const TIMESTAMP_HEADER = 'X-Gridwatch-Timestamp'
export const NONCE_HEADER = 'X-Gridwatch-Nonce'
export const MAX_SKEW_S = 300

export function signBody(secret: string, body: Uint8Array | string, timestamp: string, nonce: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${nonce}.`).update(body).digest('hex')
}

/** The three headers of a signed delivery, as a sender (or a test) makes them. */
export function signedHeaders(secret: string, body: Uint8Array | string, now = Date.now(), nonce: string = randomUUID()): Record<string, string> {
  const timestamp = String(Math.floor(now / 1000))
  return { [SIGNATURE_HEADER]: signBody(secret, body, timestamp, nonce), [TIMESTAMP_HEADER]: timestamp, [NONCE_HEADER]: nonce }
}

export type SignatureCheck = 'ok' | 'bad_signature' | 'stale'

/** Constant-time check of the signature, then of the clock; the nonce's freshness is the caller's (it needs storage). */
export function verifySignature(
  secret: string,
  body: Uint8Array,
  headers: { signature?: string; timestamp?: string; nonce?: string },
  now = Date.now(),
): SignatureCheck {
  const { signature, timestamp, nonce } = headers
  if (!signature || !timestamp || !nonce || !/^\d{1,12}$/.test(timestamp) || !/^[\w-]{8,128}$/.test(nonce)) return 'bad_signature'
  const m = /^sha256=([0-9a-fA-F]{64})$/.exec(signature.trim())
  if (!m) return 'bad_signature'
  const expected = createHmac('sha256', secret).update(`${timestamp}.${nonce}.`).update(body).digest()
  if (!timingSafeEqual(expected, Buffer.from(m[1], 'hex'))) return 'bad_signature'
  return Math.abs(now / 1000 - Number(timestamp)) <= MAX_SKEW_S ? 'ok' : 'stale'
}
