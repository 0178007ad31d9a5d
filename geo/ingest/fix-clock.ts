export interface ClockLimits {
  /** A device clock this far ahead of ours is wrong, not early. */
  maxFutureMs: number
  /** Older than this is a replay of a forgotten queue, not a position worth storing. */
  maxAgeMs: number
}

export const DEFAULT_CLOCK_LIMITS: ClockLimits = { maxFutureMs: 5 * 60_000, maxAgeMs: 7 * 24 * 3_600_000 }

/** Why a device time cannot be accepted, or null if it can. */
export function checkDeviceTime(deviceTime: Date, now: Date, limits: ClockLimits = DEFAULT_CLOCK_LIMITS): string | null {
  const ahead = deviceTime.getTime() - now.getTime()
  if (ahead > limits.maxFutureMs) return `device time ${deviceTime.toISOString()} is ${Math.round(ahead / 1000)} s in the future`
  if (-ahead > limits.maxAgeMs) return `device time ${deviceTime.toISOString()} is older than ${Math.round(limits.maxAgeMs / 86_400_000)} days`
  return null
}
