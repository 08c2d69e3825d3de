import type { FastifyInstance } from 'fastify';
import { createHttpApp } from '@hexbase/http';
import type { Logger, Metrics, ReadinessCheck } from '@hexbase/observability';
import type { RecordsDeps } from './application/deps';
import { collectionsRoutes } from './adapters/http/collections.routes';
import { recordsRoutes } from './adapters/http/records.routes';
import { recordHistoryRoutes } from './adapters/http/record-history.routes';

export interface RecordsAppOptions {
  logger: Logger;
  metrics?: Metrics;
  readinessChecks?: Record<string, ReadinessCheck>;
  bodyLimitBytes?: number;
}

/** The records HTTP API over the given use-case dependencies; not listening. */
export async function buildApp(deps: RecordsDeps, options: RecordsAppOptions): Promise<FastifyInstance> {
  const app = await createHttpApp({
    service: 'records',
    logger: options.logger,
    openapi: { title: 'Hexbase records', version: '1.0.0', description: 'Collections of JSON records with schemas, filters, optimistic concurrency and a transactional outbox.' },
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.readinessChecks ? { readinessChecks: options.readinessChecks } : {}),
    ...(options.bodyLimitBytes ? { bodyLimitBytes: options.bodyLimitBytes } : {}),
  });
  await app.register((scope) => collectionsRoutes(scope, deps));
  await app.register((scope) => recordsRoutes(scope, deps));
  await app.register((scope) => recordHistoryRoutes(scope, deps));
  return app;
}
