import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/*
 * Passwords are people's choice, so they get a deliberately slow, memory-hard hash: scrypt from node:crypto
 * (N=2^15, r=8, p=1: 32 MiB and ~100 ms here), stored as `scrypt$N$r$p$salt$hash` so the cost can be raised later
 * without invalidating the hashes already stored.
 */
const N = 1 << 15
const R = 8
const P = 1
const KEY_BYTES = 32

function derive(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, { ...opts, maxmem: 128 * opts.N! * opts.r! * 2 }, (err, key) => (err ? reject(err) : resolve(key))),
  )
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, { N, r: R, p: P })
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([\w-]+)\$([\w-]+)$/.exec(stored)
  if (!m) return false
  const expected = Buffer.from(m[5], 'base64url')
  const key = await derive(password, Buffer.from(m[4], 'base64url'), { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) })
  return key.length === expected.length && timingSafeEqual(key, expected)
}

/** Checked against when the user does not exist, so a wrong user name takes as long as a wrong password. */
export const DECOY_HASH = `scrypt$${N}$${R}$${P}$${Buffer.alloc(16).toString('base64url')}$${Buffer.alloc(KEY_BYTES).toString('base64url')}`

/** A password for a person to type once: 20 characters from an alphabet without look-alikes (~115 bits). */
export function randomPassword(length = 20): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789'
  const bytes = randomBytes(length * 2)
  let out = ''
  // Rejection sampling keeps every character equally likely.
  for (const b of bytes) {
    if (b >= 256 - (256 % alphabet.length)) continue
    out += alphabet[b % alphabet.length]
    if (out.length === length) break
  }
  return out.length === length ? out : randomPassword(length)
}
