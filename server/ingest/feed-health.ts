/** What became of one message from a feed: stored (or legitimately nothing to store), or refused as bad input. */
export type FeedOutcome = 'ok' | 'rejected'

export interface FeedStatus {
  feed: string
  /** Last message of any outcome, ISO 8601; null when none has arrived since start. */
  lastMessageAt: string | null
  lastOkAt: string | null
  lastRejectedAt: string | null
  ok: number
  rejected: number
  /** Why the last rejected message was refused (for the operator, not the sender). */
  lastError: string | null
}

type TimeField = 'lastMessageAt' | 'lastOkAt' | 'lastRejectedAt'
/** A feed's state as kept: times as epoch milliseconds (formatting one per message showed in profiles). */
type FeedCounters = Omit<FeedStatus, TimeField> & Record<TimeField, number | null>

/**
 * Per-feed freshness and counts since the process started (OwnTracks over MQTT, Frigate, the webhook, ...).
 * Adapters record every message; /readyz and the wall read the snapshot. In-process only: each server process
 * reports what it received itself.
 */
export class FeedHealth {
  private readonly feeds = new Map<string, FeedCounters>()

  /** @param now epoch milliseconds */
  constructor(private readonly now: () => number = Date.now) {}

  /** Lists a feed before its first message, so "configured but silent" shows as such. */
  register(feed: string): void {
    if (!this.feeds.has(feed)) {
      this.feeds.set(feed, { feed, lastMessageAt: null, lastOkAt: null, lastRejectedAt: null, ok: 0, rejected: 0, lastError: null })
    }
  }

  record(feed: string, outcome: FeedOutcome, error?: string): void {
    this.register(feed)
    const s = this.feeds.get(feed)!
    const t = this.now()
    s.lastMessageAt = t
    if (outcome === 'ok') {
      s.ok++
      s.lastOkAt = t
    } else {
      s.rejected++
      s.lastRejectedAt = t
      s.lastError = error ? error.slice(0, 500) : null
    }
  }

  /** A copy, sorted by feed name. */
  snapshot(): FeedStatus[] {
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString())
    return [...this.feeds.values()]
      .map((s) => ({ ...s, lastMessageAt: iso(s.lastMessageAt), lastOkAt: iso(s.lastOkAt), lastRejectedAt: iso(s.lastRejectedAt) }))
      .sort((a, b) => a.feed.localeCompare(b.feed))
  }
}

/** Feed names the ingest adapters record under. */
export const FEEDS = {
  ownTracksMqtt: 'owntracks-mqtt',
  frigate: 'frigate',
  cameraWebhook: 'camera-webhook',
} as const
