import { Writable } from 'node:stream';
import fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { healthPlugin } from './health-plugin';
import { createLogger } from './logger';
import { createMetrics } from './metrics';
import { metricsPlugin } from './metrics-plugin';
import { createReadiness, type ReadinessCheck } from './readiness';
import { REQUEST_ID_HEADER, REQUEST_ID_LOG_LABEL, requestIdPlugin, requestIdServerOptions } from './request-id';
import { requestLogPlugin } from './request-log-plugin';
import { currentTraceparent } from './trace-context';
import { traceContextPlugin } from './trace-plugin';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

let app: FastifyInstance;
afterEach(() => app?.close());

async function buildApp(checks: Record<string, ReadinessCheck> = {}): Promise<{ app: FastifyInstance; logs: () => Record<string, unknown>[] }> {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  app = fastify({
    loggerInstance: createLogger({ service: 'test', level: 'debug', destination }) as FastifyBaseLogger,
    ...requestIdServerOptions,
    logController: new LogController({ requestIdLogLabel: REQUEST_ID_LOG_LABEL, disableRequestLogging: true }),
  });
  await app.register(traceContextPlugin);
  await app.register(requestIdPlugin);
  await app.register(requestLogPlugin);
  await app.register(metricsPlugin, { metrics: createMetrics({ service: 'test', defaultMetrics: false }) });
  await app.register(healthPlugin, { readiness: createReadiness({ checks, timeoutMs: 50 }), retryAfterSeconds: 3 });
  app.post('/orders', { preHandler: async (request) => void request.log.info({ seen: currentTraceparent() }, 'pre-handler') }, async (request) => ({
    body: request.body,
    active: currentTraceparent(),
  }));
  app.get('/orders/:id', async (request) => {
    request.log.info('handling');
    return { traceparent: request.traceparent, active: currentTraceparent() };
  });
  return { app, logs: () => chunks.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('request ids', () => {
  it('keeps a well-formed x-request-id, echoes it and logs it with every line of the request', async () => {
    const { app, logs } = await buildApp();
    const response = await app.inject({ url: '/orders/1', headers: { [REQUEST_ID_HEADER]: 'req-abc.123' } });
    expect(response.headers[REQUEST_ID_HEADER]).toBe('req-abc.123');
    const lines = logs().filter((line) => line.requestId === 'req-abc.123');
    expect(lines.map((line) => line.msg)).toEqual(['handling', 'request completed']);
  });

  it('replaces a malformed or missing id with a new UUID', async () => {
    const { app } = await buildApp();
    const malformed = await app.inject({ url: '/orders/1', headers: { [REQUEST_ID_HEADER]: 'bad id\twith <script>' } });
    const missing = await app.inject({ url: '/orders/1' });
    for (const response of [malformed, missing]) expect(response.headers[REQUEST_ID_HEADER]).toMatch(/^[0-9a-f-]{36}$/);
    expect(malformed.headers[REQUEST_ID_HEADER]).not.toBe(missing.headers[REQUEST_ID_HEADER]);
  });
});

describe('trace context plugin', () => {
  it('runs the handler in the caller trace and logs its trace id', async () => {
    const { app, logs } = await buildApp();
    const response = await app.inject({ url: '/orders/1', headers: { traceparent: TRACEPARENT } });
    expect(response.json()).toEqual({ traceparent: TRACEPARENT, active: TRACEPARENT });
    expect(logs().find((line) => line.msg === 'handling')).toMatchObject({ traceId: '0af7651916cd43dd8448eb211c80319c' });
  });

  it('keeps the trace through body parsing and preHandler hooks', async () => {
    const { app, logs } = await buildApp();
    const response = await app.inject({ method: 'POST', url: '/orders', headers: { traceparent: TRACEPARENT }, payload: { item: 'book' } });
    expect(response.json()).toEqual({ body: { item: 'book' }, active: TRACEPARENT });
    expect(logs().find((line) => line.msg === 'pre-handler')).toMatchObject({ seen: TRACEPARENT });
  });

  it('starts a trace when none was received', async () => {
    const { app } = await buildApp();
    const body = (await app.inject({ url: '/orders/1' })).json<{ traceparent: string; active: string }>();
    expect(body.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(body.active).toBe(body.traceparent);
  });
});

describe('request log', () => {
  it('logs the route and path without the query string', async () => {
    const { app, logs } = await buildApp();
    await app.inject({ url: '/orders/7?access_token=secret' });
    const line = logs().find((entry) => entry.msg === 'request completed')!;
    expect(line).toMatchObject({ method: 'GET', route: '/orders/:id', path: '/orders/7', statusCode: 200 });
    expect(JSON.stringify(logs())).not.toContain('secret');
  });
});

describe('health and metrics routes', () => {
  it('answers liveness without running checks, and readiness 503 with Retry-After when a check fails', async () => {
    const { app } = await buildApp({ database: async () => Promise.reject(new Error('down')) });
    expect((await app.inject({ url: '/health/live' })).statusCode).toBe(200);
    const ready = await app.inject({ url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.headers['retry-after']).toBe('3');
    expect(ready.json()).toMatchObject({ status: 'fail', checks: { database: { status: 'fail', error: 'down' } } });
  });

  it('turns readiness off while draining', async () => {
    const { app } = await buildApp({ database: async () => undefined });
    expect((await app.inject({ url: '/health/ready' })).statusCode).toBe(200);
    app.readiness.startDraining();
    const ready = await app.inject({ url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'draining' });
  });

  it('serves the request duration histogram by route template', async () => {
    const { app } = await buildApp();
    await app.inject({ url: '/orders/1' });
    await app.inject({ url: '/orders/2' });
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(metrics.body).toContain('hexbase_http_request_duration_seconds_count{service="test",method="GET",route="/orders/:id",status_code="200"} 2');
  });
});
