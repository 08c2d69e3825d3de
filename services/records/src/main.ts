import { createPgPool, createPrismaAdapter } from '@hexbase/db';
import { gracefulShutdown, listenAndServe } from '@hexbase/http';
import { createLogger, withSpans } from '@hexbase/observability';
import { systemClock, uuidV7Ids } from '@hexbase/ports';
import { createAjvSchemaValidator } from './adapters/ajv/ajv-schema-validator';
import { createPgRecordStore } from './adapters/postgres/pg-record-store';
import { createPrismaCollections } from './adapters/postgres/prisma-collections';
import { buildApp } from './app';
import { readRecordsConfig } from './config';
import { PrismaClient } from './generated/prisma/client';

const SCHEMA = 'records';
const config = readRecordsConfig();
const logger = createLogger({ service: 'records', level: config.logLevel });
const pool = createPgPool(config.databaseUrl, SCHEMA, { max: 20 });
const prisma = new PrismaClient({ adapter: createPrismaAdapter(config.databaseUrl, SCHEMA, { max: 5 }) });

const app = await buildApp(
  {
    collections: withSpans('collections', createPrismaCollections(prisma)),
    records: withSpans('records', createPgRecordStore(pool)),
    validator: createAjvSchemaValidator(),
    ids: uuidV7Ids,
    clock: systemClock,
  },
  { logger, readinessChecks: { postgres: async () => void (await pool.query('SELECT 1')) } },
);

const address = await listenAndServe(app, { host: config.host, port: config.port });
logger.info({ address }, 'records listening');
gracefulShutdown(app, {
  closeHooks: [
    { name: 'prisma', close: () => prisma.$disconnect() },
    { name: 'postgres', close: () => pool.end() },
  ],
});
