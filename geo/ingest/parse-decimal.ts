/**
 * A number written as devices and forms write one: optional sign, digits, decimal point, exponent. JavaScript's
 * Number() would also take "0x10" (16), "0b1", "Infinity" and an empty string (0), each a plausible-looking
 * coordinate that no device sends; those are null here, so the caller reports them.
 */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

export function parseDecimal(text: string): number | null {
  if (!DECIMAL.test(text)) return null
  const n = Number(text)
  return Number.isFinite(n) ? n : null
}
