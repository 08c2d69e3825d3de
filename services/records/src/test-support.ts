import { fileURLToPath } from 'node:url';
import { applyMigrations, createPgPool, createPrismaAdapter, withDatabaseAvailability } from '@hexbase/db';
import { createLogger } from '@hexbase/observability';
import { systemClock, uuidV7Ids } from '@hexbase/ports';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { withBreaker, type BreakerOptions } from '@hexbase/resilience';
import { createAjvSchemaValidator } from './adapters/ajv/ajv-schema-validator';
import { createHttpRecordHistory } from './adapters/http-client/http-record-history';
import { createPgRecordStore } from './adapters/postgres/pg-record-store';
import { createPrismaCollections } from './adapters/postgres/prisma-collections';
import type { RecordsDeps } from './application/deps';
import { buildApp } from './app';
import { PrismaClient } from './generated/prisma/client';

export const RECORDS_SCHEMA = 'records';
export const RECORDS_MIGRATIONS = fileURLToPath(new URL('../prisma/migrations', import.meta.url));

export async function migrateRecords(databaseUrl: string): Promise<void> {
  await applyMigrations({ databaseUrl, schema: RECORDS_SCHEMA, migrationsDir: RECORDS_MIGRATIONS });
}

export interface RecordsUnderTest {
  app: FastifyInstance;
  deps: RecordsDeps;
  pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * The records service wired to real PostgreSQL in the given (migrated) database, as main.ts wires
 * it. Earlier versions of records come from the event store at `eventStore.url` (by default a
 * port nothing listens on: the event store is down).
 */
export async function startRecords(databaseUrl: string, options: { eventStore?: { url: string; timeoutMs?: number; breaker?: BreakerOptions } } = {}): Promise<RecordsUnderTest> {
  const pool = createPgPool(databaseUrl, RECORDS_SCHEMA, { max: 10 });
  const prisma = new PrismaClient({ adapter: createPrismaAdapter(databaseUrl, RECORDS_SCHEMA, { max: 3 }) });
  const deps: RecordsDeps = {
    collections: withDatabaseAvailability(createPrismaCollections(prisma)),
    records: withDatabaseAvailability(createPgRecordStore(pool)),
    validator: createAjvSchemaValidator(),
    ids: uuidV7Ids,
    clock: systemClock,
    history: withBreaker('event-store', createHttpRecordHistory({ baseUrl: options.eventStore?.url ?? 'http://127.0.0.1:9', timeoutMs: options.eventStore?.timeoutMs ?? 3000 }), {
      timeout: (options.eventStore?.timeoutMs ?? 3000) + 500,
      ...options.eventStore?.breaker,
    }),
  };
  const app = await buildApp(deps, { logger: createLogger({ service: 'records', level: 'silent' }) });
  return {
    app,
    deps,
    pool,
    close: async () => {
      await app.close();
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
