import { HexbaseError, type EventEnvelope } from '@hexbase/contracts';
import type { EventLog, Streams } from '../../application/ports';
import type { StoredEvent } from '../../domain/stored-event';

const EVERYTHING = Number.MAX_SAFE_INTEGER;

export interface MemoryStreams extends Streams {
  /** What the appends put in the outbox, in order (the relay is not part of the twin). */
  readonly outbox: EventEnvelope[];
  /** Flags a stream as soft-deleted, as StreamLifecycle does; for tests of what reads and appends answer then. */
  markDeleted(tenantId: string, streamId: string): void;
}

/**
 * In-memory twin of Streams, over an in-memory EventLog so that appends and the intake share one
 * log and its positions. Batches to one stream run one at a time. An id the intake stored for
 * another tenant is only noticed when the log refuses it, after the events before it were stored.
 */
export function createMemoryStreams(log: EventLog): MemoryStreams {
  const outbox: EventEnvelope[] = [];
  const deleted = new Set<string>();
  const appended = new Map<string, StoredEvent>();
  const locks = new Map<string, Promise<unknown>>();
  const keyOf = (tenantId: string, streamId: string) => `${tenantId}\u0000${streamId}`;
  const streamEvents = (tenantId: string, streamId: string) => log.readStream(tenantId, streamId, 1, EVERYTHING);

  function serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
    const run = (locks.get(key) ?? Promise.resolve()).then(work, work);
    locks.set(key, run.catch(() => undefined));
    return run;
  }

  async function storedWithIds(tenantId: string, ids: string[]): Promise<StoredEvent[]> {
    if (ids.length === 0) return [];
    const wanted = new Set(ids);
    const found = new Map<string, StoredEvent>();
    for (const stored of await log.readLog({ tenantId, after: 0, limit: EVERYTHING })) if (wanted.has(stored.event.id)) found.set(stored.event.id, stored);
    for (const id of ids) if (!found.has(id) && appended.has(id)) found.set(id, appended.get(id)!);
    return [...found.values()].sort((a, b) => a.position - b.position);
  }

  return {
    outbox,
    markDeleted: (tenantId, streamId) => void deleted.add(keyOf(tenantId, streamId)),

    append: (tenantId, streamId, eventIds, decide) =>
      serialized(keyOf(tenantId, streamId), async () => {
        const version = (await streamEvents(tenantId, streamId)).at(-1)?.event.streamversion ?? 0;
        const decision = decide({ version, deleted: deleted.has(keyOf(tenantId, streamId)), sameIds: await storedWithIds(tenantId, eventIds) });
        if (decision.kind === 'replay') {
          const events = decision.events.map(({ position, event }) => ({ id: event.id, version: event.streamversion, position }));
          return { version: events.at(-1)!.version, events, replayed: true };
        }
        if (decision.events.some((event) => appended.has(event.id))) throw new HexbaseError('EVENT_ID_REUSED', 'conflict', 'an event id of this batch is already used');
        const events = [];
        for (const event of decision.events) {
          const outcome = await log.append(structuredClone(event));
          if (outcome.kind !== 'appended') throw new HexbaseError('EVENT_ID_REUSED', 'conflict', `event ${event.id} could not be appended (${outcome.kind})`);
          appended.set(event.id, { position: outcome.position, event: structuredClone(event) });
          outbox.push(structuredClone(event));
          events.push({ id: event.id, version: event.streamversion, position: outcome.position });
        }
        return { version: events.at(-1)?.version ?? version, events, replayed: false };
      }),

    async info(tenantId, streamId) {
      const events = await streamEvents(tenantId, streamId);
      const isDeleted = deleted.has(keyOf(tenantId, streamId));
      if (events.length === 0 && !isDeleted) return undefined;
      return { version: events.at(-1)?.event.streamversion ?? 0, truncatedBefore: 0, ...(isDeleted ? { deletedAt: new Date(0).toISOString() } : {}) };
    },

    async read(tenantId, streamId, range) {
      const events = await streamEvents(tenantId, streamId);
      const selected =
        range.direction === 'forward'
          ? events.filter((stored) => stored.event.streamversion >= range.fromVersion)
          : events.filter((stored) => stored.event.streamversion <= range.fromVersion).reverse();
      return selected.slice(0, range.limit);
    },

    async versionAt(tenantId, streamId, at) {
      const events = await streamEvents(tenantId, streamId);
      return Math.max(0, ...events.filter((stored) => Date.parse(stored.event.time) <= at.getTime()).map((stored) => stored.event.streamversion));
    },

    async readCorrelated(tenantId, correlationId, after, limit) {
      const events = await log.readLog({ tenantId, after, limit: EVERYTHING });
      return events.filter((stored) => stored.event.correlationid === correlationId && !deleted.has(keyOf(tenantId, stored.event.streamid))).slice(0, limit);
    },
  };
}
