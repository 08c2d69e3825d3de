import { createLogger, currentTraceparent, createMetrics, type ReadinessCheck } from '@hexbase/observability';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from './create-http-app';
import { problemResponses } from './problem-schemas';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

let app: FastifyInstance;
afterEach(() => app?.close());

async function buildApp(readinessChecks: Record<string, ReadinessCheck> = {}): Promise<FastifyInstance> {
  app = await createHttpApp({
    service: 'records',
    logger: createLogger({ service: 'records', level: 'silent' }),
    openapi: { title: 'Records API', version: '1.2.3', description: 'Collections and records.' },
    readinessChecks,
    readinessTimeoutMs: 50,
    metrics: createMetrics({ service: 'records', defaultMetrics: false }),
  });
  app.get(
    '/v1/records/:id',
    {
      schema: {
        operationId: 'getRecord',
        params: { type: 'object', properties: { id: { type: 'string' } } },
        response: { 200: { type: 'object', properties: { id: { type: 'string' } } }, ...problemResponses(404, 503) },
      },
    },
    async (request) => ({ id: (request.params as { id: string }).id }),
  );
  app.get('/v1/trace', { schema: { hide: true } }, async (request) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return { fromRequest: request.traceparent, fromContext: currentTraceparent() };
  });
  return app;
}

describe('request ids', () => {
  it('echoes a well-formed x-request-id and generates one otherwise, on success and on error', async () => {
    await buildApp();
    expect((await app.inject({ url: '/v1/records/r1', headers: { 'x-request-id': 'client-42' } })).headers['x-request-id']).toBe('client-42');
    expect((await app.inject({ url: '/nowhere', headers: { 'x-request-id': 'client-43' } })).headers['x-request-id']).toBe('client-43');
    expect((await app.inject({ url: '/v1/records/r1', headers: { 'x-request-id': 'x'.repeat(500) } })).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('trace context', () => {
  it('makes the received traceparent visible to the handler', async () => {
    await buildApp();
    const response = await app.inject({ url: '/v1/trace', headers: { traceparent: TRACEPARENT } });
    expect(response.json()).toEqual({ fromRequest: TRACEPARENT, fromContext: TRACEPARENT });
  });

  it('generates a traceparent when none was received', async () => {
    await buildApp();
    const first = (await app.inject({ url: '/v1/trace' })).json<{ fromRequest: string; fromContext: string }>();
    const second = (await app.inject({ url: '/v1/trace', headers: { traceparent: 'not-a-traceparent' } })).json<{ fromRequest: string }>();
    expect(first.fromRequest).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(first.fromContext).toBe(first.fromRequest);
    expect(second.fromRequest).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(second.fromRequest).not.toBe(first.fromRequest);
  });
});

describe('health', () => {
  it('is live and ready when every check passes', async () => {
    await buildApp({ database: async () => undefined });
    expect((await app.inject({ url: '/health/live' })).json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({ status: 'ok', checks: { database: { status: 'ok' } } });
  });

  it('is not ready, with Retry-After and the failing check named, when a check fails or hangs', async () => {
    await buildApp({ database: async () => undefined, broker: () => new Promise(() => undefined) });
    const ready = await app.inject({ url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.headers['retry-after']).toMatch(/^\d+$/);
    expect(ready.json()).toMatchObject({ status: 'fail', checks: { database: { status: 'ok' }, broker: { status: 'fail', error: 'timed out after 50 ms' } } });
    expect((await app.inject({ url: '/health/live' })).statusCode).toBe(200);
  });

  it('is not ready once draining', async () => {
    await buildApp({ database: async () => undefined });
    app.readiness.startDraining();
    const ready = await app.inject({ url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.headers['retry-after']).toBeDefined();
    expect(ready.json()).toMatchObject({ status: 'draining' });
  });
});

describe('metrics', () => {
  it('exposes the request duration histogram by route, method and status in Prometheus format', async () => {
    await buildApp();
    await app.inject({ url: '/v1/records/a' });
    await app.inject({ url: '/v1/records/b' });
    await app.inject({ url: '/not/a/route/123' });
    const response = await app.inject({ url: '/metrics' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.body).toContain('# TYPE hexbase_http_request_duration_seconds histogram');
    expect(response.body).toContain('hexbase_http_request_duration_seconds_count{service="records",method="GET",route="/v1/records/:id",status_code="200"} 2');
    expect(response.body).toContain('hexbase_http_request_duration_seconds_count{service="records",method="GET",route="unmatched",status_code="404"} 1');
  });
});

describe('security headers', () => {
  it('sends a locked-down policy with API responses, errors included', async () => {
    await buildApp();
    for (const url of ['/v1/records/r1', '/nowhere']) {
      const response = await app.inject({ url });
      expect(response.headers['content-security-policy']).toContain("default-src 'none'");
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    }
  });
});

describe('API documentation', () => {
  it('serves Swagger UI at /docs with a policy that lets its own scripts and styles load', async () => {
    await buildApp();
    const page = await app.inject({ url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('swagger-ui');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).toMatch(/style-src 'self'/);
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(page.body).not.toMatch(/<script>(?!\s*<\/script>)/);
    const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!).filter((url) => url.startsWith('/docs/') || url.startsWith('./'));
    expect(assets.length).toBeGreaterThan(2);
    for (const asset of assets) {
      const url = asset.startsWith('./') ? `/docs/${asset.slice(2)}` : asset;
      expect((await app.inject({ url })).statusCode, url).toBe(200);
    }
    const initializer = await app.inject({ url: '/docs/static/swagger-initializer.js' });
    expect(initializer.body).toContain('json');
  });

  it('publishes an OpenAPI 3.1 document with the routes and problem responses, at /docs/json and /openapi.json', async () => {
    await buildApp();
    const fromDocs = await app.inject({ url: '/docs/json' });
    const fromRoot = await app.inject({ url: '/openapi.json' });
    expect(fromDocs.statusCode).toBe(200);
    expect(fromRoot.json()).toEqual(fromDocs.json());
    const document = fromRoot.json<{
      openapi: string;
      info: Record<string, string>;
      paths: Record<string, Record<string, { operationId?: string; responses: Record<string, { content: Record<string, unknown> }> }>>;
      components: { schemas: Record<string, unknown> };
    }>();
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info).toMatchObject({ title: 'Records API', version: '1.2.3', description: 'Collections and records.' });
    const operation = document.paths['/v1/records/{id}']!.get!;
    expect(operation.operationId).toBe('getRecord');
    expect(operation.responses['404']!.content['application/problem+json']).toEqual({ schema: { $ref: '#/components/schemas/Problem' } });
    expect(document.components.schemas.Problem).toMatchObject({ required: expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']) });
    expect(Object.keys(document.paths)).not.toEqual(expect.arrayContaining(['/health/ready']));
    expect(Object.keys(document.paths).filter((path) => /health|metrics|docs|openapi|trace/.test(path))).toEqual([]);
  });
});
