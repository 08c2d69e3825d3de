import { collectionsContract } from '../../application/collections.contract';
import { createMemoryCollections } from './memory-collections';

let tenantCounter = 0;
collectionsContract('in memory', async () => {
  const collections = createMemoryCollections({ now: () => new Date('2026-05-01T12:00:00.000Z') });
  return { collections, tenantId: `t${++tenantCounter}`, outboxEvents: async () => collections.outbox };
});
