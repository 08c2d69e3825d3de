import { createPgPool } from '@hexbase/db';
import { createHttpApp, gracefulShutdown, listenAndServe } from '@hexbase/http';
import { connectToEventBus, createAmqpPublisher } from '@hexbase/messaging';
import { createLogger, createMetrics } from '@hexbase/observability';
import { breakerRegistry, withBreaker } from '@hexbase/resilience';
import pg from 'pg';
import { createPgOutboxRelayStore, createPgOutboxWakeups } from './adapters/postgres/pg-outbox';
import { relayOutbox } from './application/relay-outbox';
import { RECORDS_SOURCE } from './application/write-records';
import { readRecordsConfig } from './config';
import { registerRelayMetrics } from './relay-metrics';

/** The records outbox relay: its own process, with health and metrics on RECORDS_RELAY_PORT. */
const SCHEMA = 'records';
const config = readRecordsConfig();
const logger = createLogger({ service: 'records-relay', level: config.logLevel });
const metrics = createMetrics({ service: 'records-relay' });
const pool = createPgPool(config.databaseUrl, SCHEMA, { max: 3 });
const outbox = createPgOutboxRelayStore(pool);

const connection = await connectToEventBus({
  url: config.rabbitmqUrl,
  name: 'records-relay',
  exchange: config.exchange,
  onStateChange: (state, error) => logger.info({ state, err: error }, 'broker connection'),
});
const publisher = createAmqpPublisher(connection, { exchange: config.exchange, source: RECORDS_SOURCE });
const breakers = breakerRegistry();
const publishThroughBreaker = withBreaker('rabbitmq', publisher, { timeout: 15_000 });

const published = registerRelayMetrics(metrics, outbox, breakers);
const app = await createHttpApp({
  service: 'records-relay',
  logger,
  metrics,
  openapi: { title: 'Hexbase records outbox relay', version: '1.0.0' },
  readinessChecks: {
    postgres: async () => void (await pool.query('SELECT 1')),
    rabbitmq: async () => {
      if (!connection.isConnected()) throw new Error('not connected to RabbitMQ');
    },
  },
});

const stop = new AbortController();
const relaying = relayOutbox(
  {
    outbox,
    publisher: publishThroughBreaker,
    wakeups: createPgOutboxWakeups(async () => {
      const client = new pg.Client(pool.options);
      await client.connect();
      return client;
    }),
  },
  { batchSize: config.relay.batchSize, pollIntervalMs: config.relay.pollIntervalMs, initialBackoffMs: 200, maxBackoffMs: 10_000 },
  stop.signal,
  {
    onPublished: (count) => published.inc(count),
    onError: (error, backoffMs) => logger.warn({ err: error, backoffMs }, 'outbox publish failed; retrying'),
  },
);

const address = await listenAndServe(app, { host: config.host, port: config.relayPort });
logger.info({ address }, 'records relay running');
gracefulShutdown(app, {
  drainMs: 0,
  onDrain: () => stop.abort(),
  closeHooks: [
    { name: 'relay', close: () => relaying },
    { name: 'publisher', close: () => publisher.close() },
    { name: 'rabbitmq', close: () => connection.close() },
    { name: 'postgres', close: () => pool.end() },
  ],
});
