import type { FastifyInstance } from 'fastify';
import { createHttpApp } from '@hexbase/http';
import type { Logger, Metrics, ReadinessCheck } from '@hexbase/observability';
import type { EventLog } from './application/ports';
import { streamsRoutes, type StreamRoutesDeps } from './adapters/http/streams.routes';
import { timeTravelRoutes } from './adapters/http/time-travel.routes';
import type { EventStoreOperations } from './application/event-store-operations';
import { adminRoutes } from './adapters/http/admin.routes';
import { logRoutes } from './adapters/http/log.routes';
import { streamLifecycleRoutes } from './adapters/http/stream-lifecycle.routes';
import { subscriptionsRoutes } from './adapters/http/subscriptions.routes';
import { createPollingLogWatcher } from './adapters/memory/polling-log-watcher';

export interface EventStoreAppOptions {
  logger: Logger;
  metrics?: Metrics;
  readinessChecks?: Record<string, ReadinessCheck>;
  /** Long-poll waits, named subscriptions, replay, retention, erasure, stream deletion. Without it, log reads poll the head. */
  operations?: EventStoreOperations;
  /** Interval of Server-Sent Events heartbeats. Default 15 s. */
  sseHeartbeatMs?: number;
  /** Direct appends, stream reads, correlation reads and time travel (/v1/streams/{id}/events|state|history); not served without it. */
  streams?: StreamRoutesDeps;
}

/** The event store's HTTP API (stream and global log reads); not listening. */
export async function buildApp(log: EventLog, options: EventStoreAppOptions): Promise<FastifyInstance> {
  const app = await createHttpApp({
    service: 'event-store',
    logger: options.logger,
    openapi: { title: 'Hexbase event store', version: '1.0.0', description: 'Every event, in order: streams and the gap-free global log.' },
    // Stream ids go in the path URL-encoded (`orders%2F0190...`): up to 300 characters, each up to 3 when encoded.
    maxParamLength: 1024,
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.readinessChecks ? { readinessChecks: options.readinessChecks } : {}),
  });
  const streams = options.streams;
  if (streams) {
    await app.register((scope) => streamsRoutes(scope, streams));
    await app.register((scope) => timeTravelRoutes(scope, streams));
  }
  const operations = options.operations;
  const watcher = operations?.watcher ?? createPollingLogWatcher(log);
  await app.register((scope) => logRoutes(scope, log, watcher, { heartbeatMs: options.sseHeartbeatMs ?? 15_000 }));
  if (operations) {
    await app.register((scope) => subscriptionsRoutes(scope, { log, watcher, subscriptions: operations.subscriptions }));
    await app.register((scope) => adminRoutes(scope, log, operations));
    await app.register((scope) => streamLifecycleRoutes(scope, operations.streams));
  }
  return app;
}
