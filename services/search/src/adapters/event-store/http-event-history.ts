import { HexbaseError, RecordEventType, TENANT_HEADER, isEventEnvelope, type EventEnvelope } from '@hexbase/contracts';
import type { EventHistory } from '../../application/ports';

export interface HttpEventHistoryOptions {
  /** The event store's base URL, e.g. http://127.0.0.1:4102. */
  baseUrl: string;
  /** Per request; the breaker in main.ts has its own timeout too. */
  timeoutMs?: number;
}

const RECORD_TYPES = Object.values(RecordEventType).join(',');

/**
 * The event store's global log over its HTTP API (`GET /v1/events`), read for one tenant (the
 * tenant header) and one collection (stream prefix `<collection>/`, record event types).
 * A 5xx or an unreachable event store is EVENT_STORE_UNAVAILABLE (unavailable); any other
 * unexpected answer is EVENT_STORE_ERROR.
 */
export function createHttpEventHistory(options: HttpEventHistoryOptions): EventHistory {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async readCollectionEvents(tenantId, collection, after, limit) {
      const url = new URL('/v1/events', options.baseUrl);
      url.search = new URLSearchParams({ after: String(after), limit: String(limit), type: RECORD_TYPES, streamPrefix: `${collection}/` }).toString();
      let response: Response;
      try {
        response = await fetch(url, { headers: { [TENANT_HEADER]: tenantId, accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        throw new HexbaseError('EVENT_STORE_UNAVAILABLE', 'unavailable', `the event store at ${options.baseUrl} cannot be reached: ${(error as Error).message}`, [], { retryAfter: 5 });
      }
      const body = (await response.json().catch(() => undefined)) as { items?: Array<{ position: number; event: EventEnvelope }>; lastPosition?: number } | undefined;
      if (response.status >= 500) throw new HexbaseError('EVENT_STORE_UNAVAILABLE', 'unavailable', `the event store answered ${response.status}`, [], { retryAfter: 5 });
      if (response.status !== 200 || !Array.isArray(body?.items)) throw new HexbaseError('EVENT_STORE_ERROR', 'internal', `the event store answered ${response.status} to ${url.pathname}${url.search}`);
      const items = body.items.filter((item) => isEventEnvelope(item.event));
      return { events: items.map((item) => item.event), lastPosition: body.items.length > 0 ? body.items[body.items.length - 1]!.position : after };
    },
  };
}
