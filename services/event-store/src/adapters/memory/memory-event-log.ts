import type { EventLog } from '../../application/ports';
import { fitIncomingEvent } from '../../domain/stream-position';
import type { StoredEvent } from '../../domain/stored-event';

/** In-memory twin of the event log. */
export function createMemoryEventLog(): EventLog {
  const events: StoredEvent[] = [];
  const ids = new Set<string>();
  const versions = new Map<string, number>();
  const streamKey = (tenantId: string, streamId: string) => `${tenantId}\u0000${streamId}`;

  return {
    async append(event) {
      if (ids.has(event.id)) return { kind: 'duplicate' };
      const currentVersion = versions.get(streamKey(event.tenantid, event.streamid)) ?? 0;
      const fit = fitIncomingEvent(currentVersion, event.streamversion);
      if (fit.kind !== 'next') return { kind: fit.kind, currentVersion };
      const position = events.length + 1;
      events.push({ position, event: structuredClone(event) });
      ids.add(event.id);
      versions.set(streamKey(event.tenantid, event.streamid), event.streamversion);
      return { kind: 'appended', position };
    },
    async readStream(tenantId, streamId, fromVersion, limit) {
      return events
        .filter((stored) => stored.event.tenantid === tenantId && stored.event.streamid === streamId && stored.event.streamversion >= fromVersion)
        .slice(0, limit);
    },
    async readLog(query) {
      return events
        .filter(
          (stored) =>
            stored.event.tenantid === query.tenantId &&
            stored.position > query.after &&
            (!query.types?.length || query.types.includes(stored.event.type)) &&
            (!query.streamPrefix || stored.event.streamid.startsWith(query.streamPrefix)),
        )
        .slice(0, query.limit);
    },
    async headPosition() {
      return events.length;
    },
  };
}
