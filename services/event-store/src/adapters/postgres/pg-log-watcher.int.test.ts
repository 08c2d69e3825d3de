import { afterAll, beforeAll } from 'vitest';
import type pg from 'pg';
import { createTestDatabase, testServers } from '@hexbase/testing';
import { logWatcherContract } from '../../application/log-watcher.contract';
import { createEventStorePool, endPool, migrateEventStore } from '../../test-support';
import { createPgEventLog } from './pg-event-log';
import { createPgLogWatcher, type PgLogWatcher } from './pg-log-watcher';

let database: { url: string; drop(): Promise<void> };
let pool: pg.Pool;
let watcher: PgLogWatcher;

beforeAll(async () => {
  database = await createTestDatabase(testServers().databaseUrl, 'pg_log_watcher');
  await migrateEventStore(database.url);
  pool = createEventStorePool(database.url, 4);
  // Polling once a minute: within a test only the append's notification can wake a waiter.
  watcher = createPgLogWatcher(pool, { pollIntervalMs: 60_000 });
});

afterAll(async () => {
  await watcher?.close();
  if (pool) await endPool(pool);
  await database?.drop();
});

logWatcherContract('PostgreSQL LISTEN/NOTIFY', async () => ({ log: createPgEventLog(pool), watcher }));
