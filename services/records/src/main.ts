import { createPgPool, createPrismaAdapter, withDatabaseAvailability } from '@hexbase/db';
import { gracefulShutdown, listenAndServe } from '@hexbase/http';
import { createLogger, createMetrics, registerBreakerMetrics, withSpans } from '@hexbase/observability';
import { systemClock, uuidV7Ids } from '@hexbase/ports';
import { breakerRegistry, withBreaker } from '@hexbase/resilience';
import { createAjvSchemaValidator } from './adapters/ajv/ajv-schema-validator';
import { createHttpRecordHistory } from './adapters/http-client/http-record-history';
import { createPgRecordStore } from './adapters/postgres/pg-record-store';
import { createPrismaCollections } from './adapters/postgres/prisma-collections';
import { buildApp } from './app';
import { readRecordsConfig } from './config';
import { PrismaClient } from './generated/prisma/client';

const SCHEMA = 'records';
const config = readRecordsConfig();
const logger = createLogger({ service: 'records', level: config.logLevel });
const metrics = createMetrics({ service: 'records' });
registerBreakerMetrics(metrics, breakerRegistry());
const pool = createPgPool(config.databaseUrl, SCHEMA, { max: 20 });
const prisma = new PrismaClient({ adapter: createPrismaAdapter(config.databaseUrl, SCHEMA, { max: 5 }) });

const app = await buildApp(
  {
    collections: withSpans('collections', withDatabaseAvailability(createPrismaCollections(prisma))),
    records: withSpans('records', withDatabaseAvailability(createPgRecordStore(pool))),
    validator: createAjvSchemaValidator(),
    ids: uuidV7Ids,
    clock: systemClock,
    // The event store answers for earlier versions; when it is down the breaker answers a fast 503.
    history: withBreaker('event-store', withSpans('record-history', createHttpRecordHistory({ baseUrl: config.eventStore.url, timeoutMs: config.eventStore.timeoutMs })), { timeout: config.eventStore.timeoutMs + 500 }),
  },
  { logger, metrics, readinessChecks: { postgres: async () => void (await pool.query('SELECT 1')) } },
);

const address = await listenAndServe(app, { host: config.host, port: config.port });
logger.info({ address }, 'records listening');
gracefulShutdown(app, {
  drainMs: config.shutdownDrainMs,
  closeHooks: [
    { name: 'prisma', close: () => prisma.$disconnect() },
    { name: 'postgres', close: () => pool.end() },
  ],
});
