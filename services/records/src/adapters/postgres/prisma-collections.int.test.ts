import { afterAll, beforeAll } from 'vitest';
import type { EventEnvelope } from '@hexbase/contracts';
import { createTestDatabase, testServers } from '@hexbase/testing';
import { collectionsContract } from '../../application/collections.contract';
import { migrateRecords, startRecords, type RecordsUnderTest } from '../../test-support';

let database: { url: string; drop(): Promise<void> };
let records: RecordsUnderTest;
let tenantCounter = 0;

beforeAll(async () => {
  database = await createTestDatabase(testServers().databaseUrl, 'prisma_collections');
  await migrateRecords(database.url);
  records = await startRecords(database.url);
});

afterAll(async () => {
  await records?.close();
  await database?.drop();
});

collectionsContract('PostgreSQL', async () => ({
  collections: records.deps.collections,
  tenantId: `t${++tenantCounter}`,
  outboxEvents: async () => (await records.pool.query<{ envelope: EventEnvelope }>('SELECT envelope FROM outbox ORDER BY position')).rows.map((row) => row.envelope),
}));
