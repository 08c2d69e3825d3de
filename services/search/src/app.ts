import type { FastifyInstance } from 'fastify';
import { createHttpApp } from '@hexbase/http';
import type { Logger, Metrics, ReadinessCheck } from '@hexbase/observability';
import type { Rebuilds, SearchIndex } from './application/ports';
import { adminRoutes } from './adapters/http/admin.routes';
import { searchRoutes } from './adapters/http/search.routes';

export interface SearchAppDeps {
  index: SearchIndex;
  rebuilds: Rebuilds;
  consistencyTimeoutMs: number;
  wakeRebuilds?: () => void;
}

export interface SearchAppOptions {
  logger: Logger;
  metrics?: Metrics;
  readinessChecks?: Record<string, ReadinessCheck>;
}

/** The search HTTP API (searches, facet values, reindex); not listening. */
export async function buildApp(deps: SearchAppDeps, options: SearchAppOptions): Promise<FastifyInstance> {
  const app = await createHttpApp({
    service: 'search',
    logger: options.logger,
    openapi: { title: 'Hexbase search', version: '1.0.0', description: 'Full-text search over collections, kept in sync from record events: ranking, typos, facets, highlights.' },
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.readinessChecks ? { readinessChecks: options.readinessChecks } : {}),
  });
  await app.register((scope) => searchRoutes(scope, { index: deps.index, consistencyTimeoutMs: deps.consistencyTimeoutMs }));
  await app.register((scope) => adminRoutes(scope, { rebuilds: deps.rebuilds, ...(deps.wakeRebuilds ? { wakeRebuilds: deps.wakeRebuilds } : {}) }));
  return app;
}
