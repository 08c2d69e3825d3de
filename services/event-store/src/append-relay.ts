import pg from 'pg';
import { createAmqpPublisher, relayOutbox, type AmqpConnection } from '@hexbase/messaging';
import { registerOutboxMetrics, type Logger, type Metrics } from '@hexbase/observability';
import { withBreaker } from '@hexbase/resilience';
import { createPgEventStoreOutbox, createPgEventStoreOutboxWakeups } from './adapters/postgres/pg-outbox';
import type { EventStoreStreamsConfig } from './config';
import { EVENT_STORE_SOURCE } from './domain/stream-append';

/**
 * The relay of events appended through the API: it publishes the event store's outbox to the
 * exchange, so those events reach every consumer as record events do. It runs in every event
 * store process; one at a time holds the outbox lock, the others stand by.
 */
export function startAppendRelay(connection: AmqpConnection, pool: pg.Pool, config: { exchange: string; relay: EventStoreStreamsConfig['relay'] }, logger: Logger, metrics: Metrics): { stop(): Promise<void> } {
  const outbox = createPgEventStoreOutbox(pool);
  const publisher = createAmqpPublisher(connection, { exchange: config.exchange, source: EVENT_STORE_SOURCE });
  const published = registerOutboxMetrics(metrics, outbox);
  const stop = new AbortController();
  const relaying = relayOutbox(
    {
      outbox,
      publisher: withBreaker('rabbitmq-outbox', publisher, { timeout: 15_000 }),
      wakeups: createPgEventStoreOutboxWakeups(async () => {
        const client = new pg.Client(pool.options);
        await client.connect();
        return client;
      }),
    },
    { ...config.relay, initialBackoffMs: 200, maxBackoffMs: 10_000 },
    stop.signal,
    {
      onPublished: (count) => published.inc(count),
      onError: (error, backoffMs) => logger.warn({ err: error, backoffMs }, 'publishing appended events failed; retrying'),
    },
  );
  return {
    async stop() {
      stop.abort();
      await relaying;
      await publisher.close();
    },
  };
}
