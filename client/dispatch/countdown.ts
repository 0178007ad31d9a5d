/** How a deadline reads on the queue: time left, or time over, in the largest units that matter. */
export interface Countdown {
  /** "4:05", "1:02:03", "3d 04h" without sign or words: the caller says "left" or "overdue". */
  text: string
  overdue: boolean
  /** Less than this much left: the dispatcher should look now. */
  urgent: boolean
}

export const URGENT_MS = 15 * 60_000

const pad = (n: number) => String(n).padStart(2, '0')

export function countdown(deadlineMs: number, nowMs: number): Countdown {
  const diff = deadlineMs - nowMs
  const overdue = diff < 0
  const s = Math.floor(Math.abs(diff) / 1000)
  const d = Math.floor(s / 86_400)
  const h = Math.floor((s % 86_400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  // Past a day the seconds are noise; below an hour the hours are.
  const text = d > 0 ? `${d}d ${pad(h)}h` : h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`
  return { text, overdue, urgent: !overdue && diff < URGENT_MS }
}
