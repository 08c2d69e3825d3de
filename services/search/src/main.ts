import { randomUUID } from 'node:crypto';
import { createPgPool, withDatabaseAvailability } from '@hexbase/db';
import { gracefulShutdown, listenAndServe } from '@hexbase/http';
import { connectToEventBus } from '@hexbase/messaging';
import { createLogger, createMetrics, registerBreakerMetrics, withSpans } from '@hexbase/observability';
import { breakerRegistry, withBreaker } from '@hexbase/resilience';
import { createHttpEventHistory } from './adapters/event-store/http-event-history';
import { createPgIndexUpdates } from './adapters/postgres/pg-index-updates';
import { createPgRebuilds } from './adapters/postgres/pg-rebuilds';
import { createPgSearchIndex } from './adapters/postgres/pg-search-index';
import { buildApp } from './app';
import { readSearchConfig } from './config';
import { startIndexer } from './indexer';
import { startRebuildWorker } from './rebuild-worker';

const SCHEMA = 'search';
const config = readSearchConfig();
const logger = createLogger({ service: 'search', level: config.logLevel });
const metrics = createMetrics({ service: 'search' });
registerBreakerMetrics(metrics, breakerRegistry());
const pool = createPgPool(config.databaseUrl, SCHEMA, { max: 20 });

// A database that cannot be reached answers 503 with Retry-After, and events are retried.
const index = withSpans('search-index', withDatabaseAvailability(createPgSearchIndex(pool)));
const updates = withSpans('index-updates', withDatabaseAvailability(createPgIndexUpdates(pool)));
const rebuilds = withSpans('rebuilds', withDatabaseAvailability(createPgRebuilds(pool, { leaseMs: config.rebuild.leaseMs })));
// Rebuilds read the event store; when it fails the breaker fails them fast, and they are retried later.
const history = withBreaker('event-store', withSpans('event-history', createHttpEventHistory({ baseUrl: config.eventStoreUrl })), { timeout: 15_000 });

const connection = await connectToEventBus({
  url: config.rabbitmqUrl,
  name: 'search',
  exchange: config.exchange,
  onStateChange: (state, error) => logger.info({ state, err: error }, 'broker connection'),
});
const indexer = await startIndexer(connection, updates, config, logger, metrics);
const worker = startRebuildWorker(
  { rebuilds, builder: rebuilds, history },
  { owner: `search-${randomUUID()}`, leaseMs: config.rebuild.leaseMs, batchSize: config.rebuild.batchSize, pollIntervalMs: config.rebuild.pollIntervalMs },
  logger,
);

const app = await buildApp(
  { index, rebuilds, consistencyTimeoutMs: config.consistencyTimeoutMs, wakeRebuilds: () => worker.wake() },
  {
    logger,
    metrics,
    readinessChecks: {
      postgres: async () => void (await pool.query('SELECT 1')),
      rabbitmq: async () => {
        if (!connection.isConnected()) throw new Error('not connected to RabbitMQ');
      },
    },
  },
);
const address = await listenAndServe(app, { host: config.host, port: config.port });
logger.info({ address }, 'search listening');
gracefulShutdown(app, {
  drainMs: config.shutdownDrainMs,
  onDrain: async () => {
    await indexer.stop();
    await worker.stop();
  },
  closeHooks: [
    { name: 'rabbitmq', close: () => connection.close() },
    { name: 'postgres', close: () => pool.end() },
  ],
});
