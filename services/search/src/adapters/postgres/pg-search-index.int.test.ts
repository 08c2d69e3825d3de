import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, testServers } from '@hexbase/testing';
import { searchIndexContract, type SearchEngine } from '../../application/search-index.contract';
import { createPgSearchEngine, createSearchPool, migrateSearch } from '../../test-support';
import type pg from 'pg';

let database: { url: string; drop(): Promise<void> };
let pool: pg.Pool;
let engine: SearchEngine;
let tenantCounter = 0;

beforeAll(async () => {
  database = await createTestDatabase(testServers().databaseUrl, 'pg_search_index');
  await migrateSearch(database.url);
  pool = createSearchPool(database.url);
  engine = createPgSearchEngine(pool);
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

searchIndexContract('PostgreSQL', async () => ({ engine, tenantId: `t${++tenantCounter}` }));
