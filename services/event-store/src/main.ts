import { createPgPool } from '@hexbase/db';
import { gracefulShutdown, listenAndServe } from '@hexbase/http';
import { connectToEventBus } from '@hexbase/messaging';
import { createLogger, createMetrics, withSpans } from '@hexbase/observability';
import { createPgEventLog } from './adapters/postgres/pg-event-log';
import { buildApp } from './app';
import { readEventStoreConfig } from './config';
import { startIntake } from './intake';

const SCHEMA = 'event_store';
const config = readEventStoreConfig();
const logger = createLogger({ service: 'event-store', level: config.logLevel });
const metrics = createMetrics({ service: 'event-store' });
const pool = createPgPool(config.databaseUrl, SCHEMA, { max: 20 });
const log = withSpans('event-log', createPgEventLog(pool));

const connection = await connectToEventBus({
  url: config.rabbitmqUrl,
  name: 'event-store',
  exchange: config.exchange,
  onStateChange: (state, error) => logger.info({ state, err: error }, 'broker connection'),
});
const intake = await startIntake(connection, log, config, logger, metrics);

const app = await buildApp(log, {
  logger,
  metrics,
  readinessChecks: {
    postgres: async () => void (await pool.query('SELECT 1')),
    rabbitmq: async () => {
      if (!connection.isConnected()) throw new Error('not connected to RabbitMQ');
    },
  },
});
const address = await listenAndServe(app, { host: config.host, port: config.port });
logger.info({ address }, 'event store listening');
gracefulShutdown(app, {
  onDrain: () => intake.stop(),
  closeHooks: [
    { name: 'rabbitmq', close: () => connection.close() },
    { name: 'postgres', close: () => pool.end() },
  ],
});
