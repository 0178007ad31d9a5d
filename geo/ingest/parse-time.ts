/**
 * Device clocks arrive as Unix seconds, Unix milliseconds or ISO 8601, depending on app and version. Seconds and
 * milliseconds are told apart by size: 1e11 s is the year 5138, 1e11 ms is 1973.
 */
export function parseDeviceTime(value: string | number): Date | null {
  if (typeof value === 'number' || /^\d+(\.\d+)?$/.test(value)) {
    const n = Number(value)
    if (!Number.isFinite(n)) return null
    return new Date(n < 1e11 ? n * 1000 : n)
  }
  // A bare date-time without a zone would be read in the server's zone; devices that send ISO send UTC.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) return null
  const d = new Date(value)
  return Number.isNaN(d.getTime()) ? null : d
}
