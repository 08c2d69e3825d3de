import type { EventEnvelope } from '@hexbase/contracts';

/**
 * Publishes events to the event bus.
 *
 * Guarantees: `publish` resolves only after the broker has confirmed every event (persisted and
 * routed to at least one queue); it rejects if any event was not confirmed, in which case any
 * subset may have been delivered, so callers retry the whole batch and consumers de-duplicate by
 * event id. Events in one call are published in array order.
 */
export interface EventPublisher {
  publish(events: readonly EventEnvelope[]): Promise<void>;
}
