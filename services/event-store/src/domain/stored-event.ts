import type { EventEnvelope } from '@hexbase/contracts';

/** An event as the log holds it: the envelope as received, and its place in the global log. */
export interface StoredEvent {
  position: number;
  event: EventEnvelope;
}
