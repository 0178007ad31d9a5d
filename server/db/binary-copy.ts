/**
 * Rows in PostgreSQL's binary COPY format, for a `copy` step of `Db.transact`. The database reads each value as
 * it is sent (no number or time parsed from text) and stores the rows through its bulk path, several to a WAL
 * record.
 *
 * The layout: an 11-byte signature, flags and header-extension length; per row the field count, then per field
 * its byte length (-1 for NULL) and bytes in the type's send format; a -1 field count ends the data.
 */
export class BinaryCopyRows {
  private buf: Buffer
  private at = 0

  constructor(sizeHint = 1 << 16) {
    this.buf = Buffer.allocUnsafe(Math.max(sizeHint, 64))
    this.at = SIGNATURE.copy(this.buf, 0)
    this.buf.writeInt32BE(0, this.at)
    this.buf.writeInt32BE(0, this.at + 4)
    this.at += 8
  }

  row(fields: number): this {
    this.room(2)
    this.buf.writeInt16BE(fields, this.at)
    this.at += 2
    return this
  }

  text(v: string | null): this {
    if (v === null) return this.null()
    // A UTF-16 unit takes at most 3 bytes in UTF-8: room without measuring the string first.
    this.room(4 + v.length * 3)
    const n = this.buf.write(v, this.at + 4)
    this.buf.writeInt32BE(n, this.at)
    this.at += 4 + n
    return this
  }

  float8(v: number | null): this {
    return this.float(v, 8)
  }

  float4(v: number | null): this {
    return this.float(v, 4)
  }

  /** timestamptz from epoch milliseconds: microseconds since 2000-01-01 UTC, as the server keeps it. */
  timestamptz(ms: number): this {
    this.room(12)
    // As two 32-bit halves: exact below 2^53 µs (285 years from 2000), and no BigInt made per value.
    const us = Math.round((ms - PG_EPOCH_MS) * 1000)
    const high = Math.floor(us / 2 ** 32)
    this.buf.writeInt32BE(8, this.at)
    this.buf.writeInt32BE(high, this.at + 4)
    this.buf.writeUInt32BE(us - high * 2 ** 32, this.at + 8)
    this.at += 12
    return this
  }

  /** A PostGIS point with its SRID, as extended WKB (what geometry's binary input reads). */
  point(lon: number, lat: number, srid: number): this {
    this.room(29)
    this.buf.writeInt32BE(25, this.at)
    const o = this.at + 4
    this.buf.writeUInt8(1, o) // little-endian
    this.buf.writeUInt32LE(EWKB_POINT_WITH_SRID, o + 1)
    this.buf.writeUInt32LE(srid, o + 5)
    this.buf.writeDoubleLE(lon, o + 9)
    this.buf.writeDoubleLE(lat, o + 17)
    this.at += 29
    return this
  }

  null(): this {
    this.room(4)
    this.buf.writeInt32BE(-1, this.at)
    this.at += 4
    return this
  }

  /** The finished data, trailer included; the encoder is not used after this. */
  finish(): Buffer {
    this.room(2)
    this.buf.writeInt16BE(-1, this.at)
    return this.buf.subarray(0, this.at + 2)
  }

  private float(v: number | null, size: 4 | 8): this {
    if (v === null) return this.null()
    this.room(4 + size)
    this.buf.writeInt32BE(size, this.at)
    if (size === 8) this.buf.writeDoubleBE(v, this.at + 4)
    else this.buf.writeFloatBE(v, this.at + 4)
    this.at += 4 + size
    return this
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n))
    this.buf.copy(grown, 0, 0, this.at)
    this.buf = grown
  }
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1')
const PG_EPOCH_MS = Date.UTC(2000, 0, 1)
const EWKB_POINT_WITH_SRID = 0x20000001
