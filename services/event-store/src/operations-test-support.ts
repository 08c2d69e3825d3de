import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import type { AmqpConnection } from '@hexbase/messaging';
import { createLogger } from '@hexbase/observability';
import { createAmqpReplayTarget } from './adapters/amqp/amqp-replay-target';
import { createPgErasures } from './adapters/postgres/pg-erasures';
import { createPgEventLog } from './adapters/postgres/pg-event-log';
import { createPgLogWatcher } from './adapters/postgres/pg-log-watcher';
import { createPgReplays } from './adapters/postgres/pg-replays';
import { createPgRetention } from './adapters/postgres/pg-retention';
import { createPgStreamLifecycle } from './adapters/postgres/pg-stream-lifecycle';
import { createPgSubscriptions } from './adapters/postgres/pg-subscriptions';
import { createPgSnapshots } from './adapters/postgres/pg-snapshots';
import { createPgStreams } from './adapters/postgres/pg-streams';
import { systemClock, uuidV7Ids } from '@hexbase/ports';
import { buildApp } from './app';
import type { EventStoreOperations } from './application/event-store-operations';
import type { EventLog, ReplayTarget } from './application/ports';
import { createReplayRunner } from './application/replay-runner';
import { createEventStorePool, endPool } from './test-support';

export interface RunningEventStore {
  app: FastifyInstance;
  url: string;
  pool: pg.Pool;
  log: EventLog;
  operations: EventStoreOperations;
  close(): Promise<void>;
}

/**
 * The event store's HTTP API with every operation on PostgreSQL (and RabbitMQ when a connection is
 * given), listening on a free port, as main.ts wires it.
 */
export async function startEventStore(options: {
  databaseUrl: string;
  connection?: AmqpConnection;
  replayTarget?: (real: ReplayTarget) => ReplayTarget;
  replayBatchSize?: number;
  /** Long by default, so a test that sees a follower wake quickly sees a notification at work. */
  watchPollIntervalMs?: number;
  sseHeartbeatMs?: number;
}): Promise<RunningEventStore> {
  const pool = createEventStorePool(options.databaseUrl, 24);
  const log = createPgEventLog(pool);
  const watcher = createPgLogWatcher(pool, { pollIntervalMs: options.watchPollIntervalMs ?? 60_000 });
  const replays = createPgReplays(pool);
  const unreachable: ReplayTarget = {
    queueExists: async () => false,
    publish: async () => {
      throw new Error('no broker in this test');
    },
  };
  const realTarget = options.connection ? createAmqpReplayTarget(options.connection) : unreachable;
  const replayTarget = options.replayTarget ? options.replayTarget(realTarget) : realTarget;
  const replayRunner = createReplayRunner({ log, replays, target: replayTarget, batchSize: options.replayBatchSize ?? 100, leaseMs: 30_000 });
  const operations: EventStoreOperations = {
    watcher,
    subscriptions: createPgSubscriptions(pool),
    replays,
    replayTarget,
    replayRunner,
    retention: createPgRetention(pool),
    erasures: createPgErasures(pool),
    streams: createPgStreamLifecycle(pool),
    newId: randomUUID,
  };
  const streams = { streams: createPgStreams(pool), snapshots: createPgSnapshots(pool), ids: uuidV7Ids, clock: systemClock, limits: { maxAppendEvents: 1000, appendBodyLimitBytes: 4 * 1024 * 1024, consistencyWaitMs: 1000 } };
  const app = await buildApp(log, { logger: createLogger({ service: 'event-store', level: 'silent' }), operations, streams, sseHeartbeatMs: options.sseHeartbeatMs ?? 15_000 });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    url,
    pool,
    log,
    operations,
    close: async () => {
      await app.close();
      await replayRunner.stop();
      await watcher.close();
      await endPool(pool);
    },
  };
}

/** JSON over HTTP to a running event store. */
export async function callEventStore(url: string, method: string, path: string, options: { body?: unknown; tenant?: string; headers?: Record<string, string> } = {}) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(options.tenant ? { 'x-hexbase-tenant': options.tenant } : {}), ...options.headers },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as any) : undefined };
}

export interface ReceivedServerSentEvent {
  id: number;
  type: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
}

/** A Server-Sent Events client for tests: collects events and comments until closed or the server ends the stream. */
export async function openEventStream(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const events: ReceivedServerSentEvent[] = [];
  const comments: string[] = [];
  let buffer = '';
  const decoder = new TextDecoder();
  const reading = (async () => {
    if (!response.body || response.status !== 200) return;
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = new Map<string, string>();
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.includes(':')) fields.set(line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trimStart());
          }
          if (fields.has('data')) events.push({ id: Number(fields.get('id')), type: fields.get('event') ?? 'message', data: JSON.parse(fields.get('data')!) });
        }
      }
    } catch (error) {
      if (!abort.signal.aborted) throw error;
    }
  })();
  return {
    status: response.status,
    headers: response.headers,
    events,
    comments,
    /** Resolves when the server has ended the stream. */
    ended: reading,
    close: async () => {
      abort.abort();
      await reading.catch(() => undefined);
    },
  };
}
