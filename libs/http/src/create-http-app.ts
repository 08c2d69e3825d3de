import helmet from '@fastify/helmet';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  createMetrics,
  createReadiness,
  healthPlugin,
  metricsPlugin,
  requestIdPlugin,
  REQUEST_ID_HEADER,
  REQUEST_ID_LOG_LABEL,
  requestIdServerOptions,
  requestLogPlugin,
  traceContextPlugin,
  type Logger,
  type Metrics,
  type ReadinessCheck,
} from '@hexbase/observability';
import fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { acceptJsonBodies } from './json-body';
import { problemErrorHandler, problemNotFoundHandler } from './problem-handlers';
import { problemDocumentSchema } from './problem-schemas';
import { apiSecurityHeaders, docsCsp } from './security-headers';

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

export interface HttpAppOptions {
  service: string;
  logger: Logger;
  openapi: { title: string; version: string; description?: string };
  /** Largest request body accepted, in bytes; larger ones get 413. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** Fastify's `trustProxy`: set it when behind a proxy that sets X-Forwarded-For. */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /** Longest path parameter, as sent (URL-encoded); longer ones get 414. Default 100 (Fastify's). */
  maxParamLength?: number;
  /** Named dependency checks behind `/health/ready`. */
  readinessChecks?: Record<string, ReadinessCheck>;
  /** Per readiness check. Default 2 s. */
  readinessTimeoutMs?: number;
  /** The service's metrics, to add its own series to `/metrics`; one is created when omitted. */
  metrics?: Metrics;
}

/**
 * The Fastify instance every service's `buildApp(deps)` starts from, not listening. It has
 * request ids, trace context, security headers, OpenAPI 3.1 at `/docs/json` and `/openapi.json`
 * with Swagger UI at `/docs`, `/health/live`, `/health/ready` (see `app.readiness`), `/metrics`,
 * JSON and `application/*+json` bodies, and one error handler and one not-found handler that
 * answer every failure with an RFC 9457 problem document.
 *
 * Async because the plugins are loaded before it returns: routes added afterwards, at the root
 * or in plugins, are all wrapped in the request's trace context and listed in the OpenAPI document.
 */
export async function createHttpApp(options: HttpAppOptions): Promise<FastifyInstance> {
  const app: FastifyInstance = fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    ...requestIdServerOptions,
    // requestLogPlugin writes one line per request instead of Fastify's two.
    logController: new LogController({ requestIdLogLabel: REQUEST_ID_LOG_LABEL, disableRequestLogging: true }),
    bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES,
    trustProxy: options.trustProxy ?? false,
    ...(options.maxParamLength ? { routerOptions: { maxParamLength: options.maxParamLength } } : {}),
    // All violations at once, and unknown properties rejected rather than silently dropped.
    ajv: { customOptions: { allErrors: true, removeAdditional: false } },
    // Malformed URLs and over-long parameters fail before routing, so before any hook runs.
    frameworkErrors: (error, request, reply) => {
      reply.header(REQUEST_ID_HEADER, request.id);
      problemErrorHandler(error, request, reply);
    },
  });

  app.setErrorHandler(problemErrorHandler);
  app.setNotFoundHandler(problemNotFoundHandler);
  acceptJsonBodies(app);
  app.addSchema(problemDocumentSchema);

  await app.register(traceContextPlugin);
  await app.register(requestIdPlugin);
  await app.register(requestLogPlugin);
  await app.register(metricsPlugin, { metrics: options.metrics ?? createMetrics({ service: options.service }) });
  await app.register(helmet, apiSecurityHeaders);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: options.openapi.title, version: options.openapi.version, description: options.openapi.description },
    },
    // Shared schemas appear under their own $id (`#/components/schemas/Problem`), not `def-0`.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => (typeof json.$id === 'string' ? json.$id : `def-${index}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, transformStaticCSP: docsCsp });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(healthPlugin, {
    readiness: createReadiness({ checks: options.readinessChecks, timeoutMs: options.readinessTimeoutMs }),
  });
  return app;
}
