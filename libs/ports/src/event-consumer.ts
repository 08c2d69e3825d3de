import type { EventEnvelope } from '@hexbase/contracts';

export interface DeliveryContext {
  /** 1 for the first delivery, counting retries through the retry queues. */
  attempt: number;
  /** True when the broker says this message may have been delivered before. */
  redelivered: boolean;
}

/**
 * Handles one event. Resolve to acknowledge. Throw a HexbaseError whose kind is retryable
 * (unavailable, internal, conflict, rate_limited) or any non-Hexbase error to retry later;
 * throw any other HexbaseError to dead-letter the message at once.
 * Handlers must be idempotent by event id: delivery is at least once.
 */
export type EventHandler = (event: EventEnvelope, context: DeliveryContext) => Promise<void>;
