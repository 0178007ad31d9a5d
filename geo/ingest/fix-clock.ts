export interface ClockLimits {
  /** A device clock this far ahead of ours is wrong, not early. */
  maxFutureMs: number
  /**
   * Trackers upload their buffer after days offline, and such fixes still fill a gap in the history; beyond the
   * history's retention (13 months) a fix has nowhere to go.
   */
  maxAgeMs: number
}

export const DEFAULT_CLOCK_LIMITS: ClockLimits = { maxFutureMs: 5 * 60_000, maxAgeMs: 396 * 86_400_000 }

/** Why a device time cannot be accepted, or null if it can. */
export function checkDeviceTime(deviceTime: Date, now: Date, limits: ClockLimits = DEFAULT_CLOCK_LIMITS): string | null {
  const ahead = deviceTime.getTime() - now.getTime()
  if (ahead > limits.maxFutureMs) return `device time ${deviceTime.toISOString()} is ${Math.round(ahead / 1000)} s in the future`
  if (-ahead > limits.maxAgeMs) return `device time ${deviceTime.toISOString()} is older than ${Math.round(limits.maxAgeMs / 86_400_000)} days`
  return null
}
