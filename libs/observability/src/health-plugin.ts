import { globalPlugin } from './global-plugin';
import type { Readiness } from './readiness';

declare module 'fastify' {
  interface FastifyInstance {
    /** Set by `healthPlugin`; graceful shutdown drains it. */
    readiness: Readiness;
  }
}

export interface HealthPluginOptions {
  readiness: Readiness;
  /** Sent as `Retry-After` when not ready. */
  retryAfterSeconds?: number;
}

/**
 * `GET /health/live`: 200 while the process can answer at all (no dependency is checked, so a
 * database outage never gets the pod restarted). `GET /health/ready`: 200 when every check
 * passes, otherwise 503 with `Retry-After` and the failing checks named.
 */
export const healthPlugin = globalPlugin<HealthPluginOptions>('hexbase-health', async (app, options) => {
  const retryAfter = String(options.retryAfterSeconds ?? 5);
  app.decorate('readiness', options.readiness);

  app.get('/health/live', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });

  app.get('/health/ready', { schema: { hide: true } }, async (_request, reply) => {
    const report = await options.readiness.check();
    reply.header('cache-control', 'no-store');
    if (report.status !== 'ok') reply.code(503).header('retry-after', retryAfter);
    return report;
  });
});
