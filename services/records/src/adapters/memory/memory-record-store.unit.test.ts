import { recordStoreContract } from '../../application/record-store.contract';
import { createMemoryRecordStore } from './memory-record-store';

recordStoreContract('in-memory twin', async () => {
  const store = createMemoryRecordStore();
  const now = new Date();
  return {
    store,
    collection: { tenantId: 't1', name: 'people', description: '', schema: { type: 'object' }, uniqueFields: ['email'], indexedFields: [], version: 1, createdAt: now, updatedAt: now },
    outboxEvents: async () => store.outbox,
  };
});
