import type { StoredEvent } from '../domain/stored-event';
import type { Streams } from './ports';

/** Every event of a tenant carrying one correlation id, in log order, after a position; soft-deleted streams left out. */
export async function readCorrelatedEvents(streams: Streams, tenantId: string, correlationId: string, after: number, limit: number): Promise<{ events: StoredEvent[]; lastPosition: number }> {
  const events = await streams.readCorrelated(tenantId, correlationId, after, limit);
  return { events, lastPosition: events.at(-1)?.position ?? after };
}
