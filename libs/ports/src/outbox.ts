import type { EventEnvelope } from '@hexbase/contracts';

/**
 * The relay's view of a transactional outbox: events written in the same database transaction
 * as the state change they describe, waiting to be published.
 *
 * Guarantees:
 * - `relayBatch` hands `publish` the oldest unpublished events in commit order of each stream
 *   (so one stream's events are in version order), and marks them published only if `publish`
 *   resolves. If `publish` rejects or the process dies, the same events are handed out again:
 *   delivery is at least once.
 * - At most one relay works on the outbox at a time; a second caller gets 0 without waiting.
 * - An event whose transaction commits late is never skipped: selection is by "not yet
 *   published", never by "after the last position seen".
 */
export interface OutboxRelayStore {
  /** Returns how many events were published (0 when the outbox is empty or another relay holds it). */
  relayBatch(limit: number, publish: (events: EventEnvelope[]) => Promise<void>): Promise<number>;
  /** Unpublished events and the age in seconds of the oldest one, for the lag metric. */
  lag(): Promise<{ pending: number; oldestAgeSeconds: number }>;
}

/** Wakes the relay when new outbox rows commit. Implementations may miss a wake-up; relays also poll. */
export interface OutboxWakeups {
  /** Calls `onWake` (possibly many times) until the returned stop function is called. */
  listen(onWake: () => void): Promise<() => Promise<void>>;
}
