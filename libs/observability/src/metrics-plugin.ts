import type { FastifyRequest } from 'fastify';
import type { Histogram } from 'prom-client';
import { globalPlugin } from './global-plugin';
import type { Metrics } from './metrics';

export const HTTP_DURATION_METRIC = 'hexbase_http_request_duration_seconds';

export interface MetricsPluginOptions {
  metrics: Metrics;
}

type HttpLabels = 'method' | 'route' | 'status_code';

/** Route templates, not raw paths, keep the label set bounded; anything unmatched shares one label. */
export function routeLabel(request: FastifyRequest): string {
  return request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched');
}

/**
 * Observes every response in `hexbase_http_request_duration_seconds{method,route,status_code}` and
 * serves the registry at `GET /metrics` in the Prometheus text format.
 */
export const metricsPlugin = globalPlugin<MetricsPluginOptions>('hexbase-metrics', async (app, { metrics }) => {
  const registry = metrics.registry;
  const duration =
    (registry.getSingleMetric(HTTP_DURATION_METRIC) as Histogram<HttpLabels> | undefined) ??
    metrics.histogram<HttpLabels>({
      name: HTTP_DURATION_METRIC,
      help: 'Time from receiving a request to sending the response, by route template, method and status.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });

  app.addHook('onResponse', (request, reply, done) => {
    duration.observe({ method: request.method, route: routeLabel(request), status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', registry.contentType).header('cache-control', 'no-store');
    return registry.metrics();
  });
});
