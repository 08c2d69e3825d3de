import type { EventEnvelope } from '@hexbase/contracts';
import type { EventHistory } from '../../application/ports';

/** In-memory twin of the event store's global log, for tests of rebuilds. */
export interface MemoryEventHistory extends EventHistory {
  /** Appends events at the next positions, as the event store would take them in. */
  append(...events: EventEnvelope[]): void;
}

export function createMemoryEventHistory(): MemoryEventHistory {
  const log: EventEnvelope[] = [];
  return {
    append: (...events) => void log.push(...events),
    async readCollectionEvents(tenantId, collection, after, limit) {
      const events: EventEnvelope[] = [];
      let lastPosition = after;
      for (let position = after + 1; position <= log.length && events.length < limit; position += 1) {
        const event = log[position - 1]!;
        if (event.tenantid !== tenantId || !event.streamid.startsWith(`${collection}/`) || !event.type.startsWith('record.')) continue;
        events.push(event);
        lastPosition = position;
      }
      return { events, lastPosition };
    },
  };
}
