import { randomUUID } from 'node:crypto';
import { createPgPool, withDatabaseAvailability } from '@hexbase/db';
import { gracefulShutdown, listenAndServe } from '@hexbase/http';
import { connectToEventBus } from '@hexbase/messaging';
import { createLogger, createMetrics, registerBreakerMetrics, withSpans } from '@hexbase/observability';
import { systemClock, uuidV7Ids } from '@hexbase/ports';
import { breakerRegistry } from '@hexbase/resilience';
import { createAmqpReplayTarget } from './adapters/amqp/amqp-replay-target';
import { createPgErasures } from './adapters/postgres/pg-erasures';
import { createPgEventLog } from './adapters/postgres/pg-event-log';
import { createPgLogWatcher } from './adapters/postgres/pg-log-watcher';
import { createPgReplays } from './adapters/postgres/pg-replays';
import { createPgRetention } from './adapters/postgres/pg-retention';
import { createPgSnapshots } from './adapters/postgres/pg-snapshots';
import { createPgStreamLifecycle } from './adapters/postgres/pg-stream-lifecycle';
import { createPgStreams } from './adapters/postgres/pg-streams';
import { createPgSubscriptions } from './adapters/postgres/pg-subscriptions';
import { startAppendRelay } from './append-relay';
import { refuseAppendsToDeletedStreams } from './application/refuse-appends-to-deleted-streams';
import { createReplayRunner } from './application/replay-runner';
import { snapshotAfterAppends } from './application/snapshot-after-appends';
import { buildApp } from './app';
import { readEventStoreConfig, readEventStoreOperationsConfig, readEventStoreStreamsConfig } from './config';
import { startIntake } from './intake';
import { startMaintenance } from './maintenance';

const SCHEMA = 'event_store';
const config = readEventStoreConfig();
const logger = createLogger({ service: 'event-store', level: config.logLevel });
const metrics = createMetrics({ service: 'event-store' });
const pool = createPgPool(config.databaseUrl, SCHEMA, { max: 20 });
/** A PostgreSQL-backed port, traced, answering DATABASE_UNAVAILABLE (503) while the database is down. */
const postgresPort = <Port extends object>(name: string, port: Port): Port => withSpans(name, withDatabaseAvailability(port));
const log = postgresPort('event-log', createPgEventLog(pool));

const connection = await connectToEventBus({
  url: config.rabbitmqUrl,
  name: 'event-store',
  exchange: config.exchange,
  onStateChange: (state, error) => logger.info({ state, err: error }, 'broker connection'),
});

// Following the log, subscriptions, replay, retention, erasure and stream deletion.
const operationsConfig = readEventStoreOperationsConfig();
const watcher = createPgLogWatcher(pool, { pollIntervalMs: operationsConfig.watchPollIntervalMs, onListenError: (error) => logger.warn({ err: error }, 'LISTEN for log appends failed; polling until it is back') });
const replays = postgresPort('replays', createPgReplays(pool));
const replayTarget = createAmqpReplayTarget(connection);
const replayRunner = createReplayRunner({
  log,
  replays,
  target: replayTarget,
  ...operationsConfig.replay,
  onProgress: (replay, published) => logger.info({ replayId: replay.id, consumer: replay.consumer, published, total: replay.total }, 'replay progress'),
  onFinished: (replay, outcome) =>
    outcome.status === 'completed'
      ? logger.info({ replayId: replay.id, consumer: replay.consumer, published: outcome.published }, 'replay completed')
      : logger.error({ replayId: replay.id, consumer: replay.consumer, published: outcome.published, err: outcome.error }, 'replay failed'),
});
const streams = postgresPort('stream-lifecycle', createPgStreamLifecycle(pool));
const retention = postgresPort('retention', createPgRetention(pool));
const operations = {
  watcher,
  subscriptions: postgresPort('subscriptions', createPgSubscriptions(pool)),
  replays,
  replayTarget,
  replayRunner,
  retention,
  erasures: postgresPort('erasures', createPgErasures(pool)),
  streams,
  newId: randomUUID,
};
const maintenance = startMaintenance({ retention, replayRunner, logger }, { retentionIntervalMs: operationsConfig.retentionIntervalMs, replaySweepMs: operationsConfig.replay.leaseMs });

// Direct appends, stream reads, time travel with snapshots, and the relay of appended events.
const streamsConfig = readEventStoreStreamsConfig();
const timeTravel = { streams: postgresPort('streams', createPgStreams(pool)), snapshots: postgresPort('snapshots', createPgSnapshots(pool)) };
const appendRelay = startAppendRelay(connection, pool, { exchange: config.exchange, relay: streamsConfig.relay }, logger, metrics);
registerBreakerMetrics(metrics, breakerRegistry());
const onSnapshotError = (error: unknown, event: { streamid: string; streamversion: number }) => logger.warn({ err: error, streamId: event.streamid, version: event.streamversion }, 'snapshot failed');

const intake = await startIntake(connection, snapshotAfterAppends(refuseAppendsToDeletedStreams(log, streams), timeTravel, streamsConfig.snapshotEvery, onSnapshotError), config, logger, metrics);

const app = await buildApp(log, {
  logger,
  metrics,
  operations,
  sseHeartbeatMs: operationsConfig.sseHeartbeatMs,
  streams: { ...timeTravel, ids: uuidV7Ids, clock: systemClock, limits: streamsConfig },
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
  drainMs: config.shutdownDrainMs,
  onDrain: () => Promise.all([intake.stop(), replayRunner.stop(), maintenance.stop(), appendRelay.stop()]).then(() => undefined),
  closeHooks: [
    { name: 'log watcher', close: () => watcher.close() },
    { name: 'rabbitmq', close: () => connection.close() },
    { name: 'postgres', close: () => pool.end() },
  ],
});
