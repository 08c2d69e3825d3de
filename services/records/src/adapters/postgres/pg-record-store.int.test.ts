import { afterAll, beforeAll } from 'vitest';
import type { EventEnvelope } from '@hexbase/contracts';
import { createTestDatabase, testServers } from '@hexbase/testing';
import { createCollection } from '../../application/create-collection';
import { recordStoreContract } from '../../application/record-store.contract';
import { migrateRecords, startRecords, type RecordsUnderTest } from '../../test-support';

let database: { url: string; drop(): Promise<void> };
let records: RecordsUnderTest;
let collectionCounter = 0;

beforeAll(async () => {
  database = await createTestDatabase(testServers().databaseUrl, 'pg_record_store');
  await migrateRecords(database.url);
  records = await startRecords(database.url);
});

afterAll(async () => {
  await records?.close();
  await database?.drop();
});

recordStoreContract('PostgreSQL', async () => {
  collectionCounter += 1;
  const { result: collection } = await createCollection(records.deps, 't1', {
    name: `people_${collectionCounter}`,
    description: '',
    schema: { type: 'object' },
    uniqueFields: ['email'],
    indexedFields: [],
  });
  return {
    store: records.deps.records,
    collection,
    outboxEvents: async () => (await records.pool.query<{ envelope: EventEnvelope }>('SELECT envelope FROM outbox ORDER BY position')).rows.map((row) => row.envelope),
  };
});
