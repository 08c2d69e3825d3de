import type { FastifyInstance } from 'fastify';
import { createHttpApp } from '@hexbase/http';
import type { Logger, Metrics, ReadinessCheck } from '@hexbase/observability';
import type { EventLog } from './application/ports';
import { eventStoreRoutes } from './adapters/http/event-store.routes';

export interface EventStoreAppOptions {
  logger: Logger;
  metrics?: Metrics;
  readinessChecks?: Record<string, ReadinessCheck>;
}

/** The event store's HTTP API (stream and global log reads); not listening. */
export async function buildApp(log: EventLog, options: EventStoreAppOptions): Promise<FastifyInstance> {
  const app = await createHttpApp({
    service: 'event-store',
    logger: options.logger,
    openapi: { title: 'Hexbase event store', version: '1.0.0', description: 'Every event, in order: streams and the gap-free global log.' },
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.readinessChecks ? { readinessChecks: options.readinessChecks } : {}),
  });
  await app.register((scope) => eventStoreRoutes(scope, log));
  return app;
}
