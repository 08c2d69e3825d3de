import { fileURLToPath } from 'node:url';
import { applyMigrations, createPgPool } from '@hexbase/db';
import { createLogger } from '@hexbase/observability';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { createPgIndexUpdates } from './adapters/postgres/pg-index-updates';
import { createPgRebuilds } from './adapters/postgres/pg-rebuilds';
import { createPgSearchIndex } from './adapters/postgres/pg-search-index';
import type { SearchEngine } from './application/search-index.contract';
import { buildApp } from './app';

export const SEARCH_SCHEMA = 'search';
export const SEARCH_MIGRATIONS = fileURLToPath(new URL('../prisma/migrations', import.meta.url));

export async function migrateSearch(databaseUrl: string): Promise<void> {
  await applyMigrations({ databaseUrl, schema: SEARCH_SCHEMA, migrationsDir: SEARCH_MIGRATIONS });
}

/** A pool whose sessions resolve unqualified names in the search schema, as main.ts creates it. */
export function createSearchPool(databaseUrl: string, max = 10): pg.Pool {
  return createPgPool(databaseUrl, SEARCH_SCHEMA, { max });
}

/** Every PostgreSQL port of the search service on one pool, as main.ts wires them. */
export function createPgSearchEngine(pool: pg.Pool, leaseMs = 30_000): SearchEngine {
  return { ...createPgSearchIndex(pool), ...createPgIndexUpdates(pool), ...createPgRebuilds(pool, { leaseMs, retryDelayMs: 50 }) };
}

export interface SearchUnderTest {
  app: FastifyInstance;
  engine: SearchEngine;
  pool: pg.Pool;
  close(): Promise<void>;
}

/** The search HTTP API on real PostgreSQL in the given (migrated) database; events are applied by calling `engine` directly. */
export async function startSearch(databaseUrl: string, options: { consistencyTimeoutMs?: number } = {}): Promise<SearchUnderTest> {
  const pool = createSearchPool(databaseUrl);
  const engine = createPgSearchEngine(pool);
  const app = await buildApp({ index: engine, rebuilds: engine, consistencyTimeoutMs: options.consistencyTimeoutMs ?? 5_000 }, { logger: createLogger({ service: 'search', level: 'silent' }) });
  return {
    app,
    engine,
    pool,
    close: async () => {
      await app.close();
      await pool.end();
    },
  };
}
