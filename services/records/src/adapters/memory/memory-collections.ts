import { conflict, notFound, type EventEnvelope } from '@hexbase/contracts';
import type { Collection } from '../../domain/collection';
import type { Collections } from '../../application/ports';
import type { Clock } from '@hexbase/ports';
import { MemoryIdempotency } from './memory-idempotency';

/** In-memory twin of the collection definitions store. */
export interface MemoryCollections extends Collections {
  /** Events committed with the definitions, in commit order (pass the record store's outbox to share one). */
  readonly outbox: EventEnvelope[];
}

export function createMemoryCollections(clock: Clock, outbox: EventEnvelope[] = []): MemoryCollections {
  const collections = new Map<string, Collection>();
  const idempotency = new MemoryIdempotency<Collection>();
  const key = (tenantId: string, name: string) => `${tenantId}\u0000${name}`;

  return {
    outbox,
    async get(tenantId, name) {
      return collections.get(key(tenantId, name));
    },
    async list(tenantId) {
      return [...collections.values()].filter((collection) => collection.tenantId === tenantId).sort((a, b) => a.name.localeCompare(b.name));
    },
    async create(tenantId, definition, announce, request) {
      return idempotency.run(tenantId, request, () => {
        if (collections.has(key(tenantId, definition.name))) throw conflict('COLLECTION_EXISTS', `collection ${definition.name} already exists`);
        const now = clock.now();
        const collection: Collection = { tenantId, ...definition, version: 1, createdAt: now, updatedAt: now };
        if (!definition.search) delete collection.search;
        const event = announce(collection);
        collections.set(key(tenantId, definition.name), collection);
        outbox.push(event);
        return collection;
      });
    },
    async update(tenantId, name, change, request) {
      return idempotency.run(tenantId, request, () => {
        const current = collections.get(key(tenantId, name));
        if (!current) throw notFound('COLLECTION_NOT_FOUND', `collection ${name} does not exist`);
        const next = change(current);
        collections.set(key(tenantId, name), next.collection);
        outbox.push(next.event);
        return next.collection;
      });
    },
  };
}
