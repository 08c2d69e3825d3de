import { notFound, type EventEnvelope } from '@hexbase/contracts';
import type { RecordHistory, RecordHistoryEntry } from '../../application/ports';
import type { StoredRecord } from '../../domain/record';
import { jsonEqual } from '../../domain/json-equal';

type Payload = { data?: Record<string, unknown>; deletedAt?: string };

/**
 * In-memory twin of RecordHistory: rebuilds records from the record events it is given (the
 * memory record store's outbox, read on every call, as the event store would have taken them in).
 * Its changes compare top-level members only.
 */
export function createMemoryRecordHistory(events: () => readonly EventEnvelope[]): RecordHistory {
  function versions(tenantId: string, collection: string, id: string): StoredRecord[] {
    const states: StoredRecord[] = [];
    for (const event of events()) {
      if (event.tenantid !== tenantId || event.streamid !== `${collection}/${id}`) continue;
      const payload = event.data as Payload;
      const time = new Date(event.time);
      const before = states.at(-1);
      const base: StoredRecord = before ?? { tenantId, collection, id, data: {}, version: 0, createdAt: time, updatedAt: time, deletedAt: null, purgedAt: null };
      const next: StoredRecord = { ...base, version: event.streamversion, updatedAt: time };
      if (event.type === 'record.created' || event.type === 'record.updated') next.data = payload.data ?? {};
      if (event.type === 'record.deleted') next.deletedAt = new Date(payload.deletedAt ?? event.time);
      if (event.type === 'record.restored') next.deletedAt = null;
      if (event.type === 'record.purged') Object.assign(next, { data: {}, purgedAt: time });
      states.push(next);
    }
    return states;
  }

  return {
    async at(tenantId, collection, id, point, _knownVersion) {
      const states = versions(tenantId, collection, id);
      if ('version' in point) {
        const state = states.find((candidate) => candidate.version === point.version);
        if (!state) throw notFound('RECORD_VERSION_NOT_FOUND', `record ${id} has no version ${point.version}`);
        return state;
      }
      return states.filter((state) => state.updatedAt.getTime() <= point.asOf.getTime()).at(-1);
    },

    async history(tenantId, collection, id, page, _knownVersion) {
      const states = versions(tenantId, collection, id);
      const items = states
        .filter((state) => state.version >= page.fromVersion)
        .slice(0, page.limit)
        .map((state): RecordHistoryEntry => {
          const previous = states[state.version - 2]?.data ?? {};
          const event = events().find((candidate) => candidate.streamid === `${collection}/${id}` && candidate.tenantid === tenantId && candidate.streamversion === state.version)!;
          const keys = [...new Set([...Object.keys(previous), ...Object.keys(state.data)])];
          const changes = keys.flatMap((key): RecordHistoryEntry['changes'] => {
            if (!(key in state.data)) return [{ op: 'remove', path: `/${key}`, previous: previous[key] }];
            if (!(key in previous)) return [{ op: 'add', path: `/${key}`, value: state.data[key] }];
            return jsonEqual(previous[key], state.data[key]) ? [] : [{ op: 'replace', path: `/${key}`, value: state.data[key], previous: previous[key] }];
          });
          return { version: state.version, type: event.type, time: event.time, eventId: event.id, changes, deletedAt: state.deletedAt?.toISOString() ?? null };
        });
      const last = items.at(-1)?.version;
      return { items, nextVersion: last !== undefined && last < states.length ? last + 1 : undefined };
    },
  };
}
