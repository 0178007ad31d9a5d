/**
 * The time-window presets beside the date fields, as local calendar days (what the form's date inputs hold);
 * `to` is exclusive, and '' means "up to now".
 */
export interface DayWindow {
  from: string
  to: string
}

const DAY_MS = 86_400_000

/** The last `days` days up to now. */
export function lastDays(days: number, now: Date): DayWindow {
  return { from: localDate(new Date(now.getTime() - days * DAY_MS)), to: '' }
}

/** The previous calendar month, whole. */
export function lastMonth(now: Date): DayWindow {
  return { from: localDate(new Date(now.getFullYear(), now.getMonth() - 1, 1)), to: localDate(new Date(now.getFullYear(), now.getMonth(), 1)) }
}

/**
 * The same weeks a year earlier than the window shown: 52 weeks (364 days) back, so weekdays line up, as the
 * period comparison's "same weeks last year" baseline does.
 */
export function sameWeeksLastYear(shown: { from: Date; to: Date }): DayWindow {
  const back = (d: Date) => localDate(new Date(d.getFullYear(), d.getMonth(), d.getDate() - 364))
  return { from: back(shown.from), to: back(shown.to) }
}

export function localDate(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}
