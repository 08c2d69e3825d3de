import { fileURLToPath } from 'node:url';
import { applyMigrations, createPgPool, createPrismaAdapter } from '@hexbase/db';
import { createLogger } from '@hexbase/observability';
import { systemClock, uuidV7Ids } from '@hexbase/ports';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { createAjvSchemaValidator } from './adapters/ajv/ajv-schema-validator';
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

/** The records service wired to real PostgreSQL in the given (migrated) database, as main.ts wires it. */
export async function startRecords(databaseUrl: string): Promise<RecordsUnderTest> {
  const pool = createPgPool(databaseUrl, RECORDS_SCHEMA, { max: 10 });
  const prisma = new PrismaClient({ adapter: createPrismaAdapter(databaseUrl, RECORDS_SCHEMA, { max: 3 }) });
  const deps: RecordsDeps = {
    collections: createPrismaCollections(prisma),
    records: createPgRecordStore(pool),
    validator: createAjvSchemaValidator(),
    ids: uuidV7Ids,
    clock: systemClock,
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
