import { Writable } from 'node:stream';
import { HexbaseError, PROBLEM_CONTENT_TYPE, conflict, notFound, unavailable, validationError } from '@hexbase/contracts';
import { createLogger } from '@hexbase/observability';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from './create-http-app';
import { INTERNAL_DETAIL } from './http-problems';
import { problemResponses } from './problem-schemas';

let app: FastifyInstance;
let logged: string[];
afterEach(() => app?.close());

async function buildApp(): Promise<FastifyInstance> {
  logged = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logged.push(String(chunk));
      done();
    },
  });
  app = await createHttpApp({
    service: 'test',
    logger: createLogger({ service: 'test', level: 'info', destination }),
    openapi: { title: 'Test', version: '1.0.0' },
    bodyLimitBytes: 1_000,
  });
  app.get('/errors/not-found', { schema: { response: { 200: { type: 'object' }, ...problemResponses(404) } } }, async () => {
    throw notFound('RECORD_NOT_FOUND', 'Record r1 does not exist.');
  });
  app.get('/errors/conflict', async () => {
    throw conflict('VERSION_CONFLICT', 'Expected version 3, found 4.', { currentVersion: 4 });
  });
  app.get('/errors/invalid', async () => {
    throw validationError('INVALID_FILTER', 'The filter does not parse.', [{ field: '/query/filter', rule: 'syntax', message: 'unexpected ")"' }]);
  });
  app.get('/errors/unavailable', async () => {
    throw unavailable('SEARCH_UNAVAILABLE', 'Search is not answering.', 2.5);
  });
  app.get('/errors/rate-limited', async () => {
    throw new HexbaseError('RATE_LIMITED', 'rate_limited', 'Too many requests.', [], { retryAfter: 30 });
  });
  app.get('/errors/internal-hexbase', async () => {
    throw new HexbaseError('INVARIANT_BROKEN', 'internal', 'stream gap at version 7 in tenant acme');
  });
  app.get('/errors/crash', async () => {
    throw new Error('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2');
  });
  app.get('/errors/client', async () => {
    throw Object.assign(new Error('Missing credentials.'), { statusCode: 401 });
  });
  app.get('/errors/in-hook', { onRequest: async () => Promise.reject(new HexbaseError('FORBIDDEN_TENANT', 'forbidden', 'Not your tenant.')) }, async () => 'never');
  app.route({ method: ['POST', 'PATCH'], url: '/echo', handler: async (request) => ({ received: request.body }) });
  return app;
}

function expectProblem(response: LightMyRequestResponse, status: number, code: string): Record<string, unknown> {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = response.json<Record<string, unknown>>();
  expect(body).toMatchObject({ status, code, type: expect.stringContaining('/docs/problems#'), title: expect.any(String), detail: expect.any(String) });
  expect(body.requestId).toBe(response.headers['x-request-id']);
  return body;
}

describe('HexbaseError', () => {
  it('answers with the status of its kind, its code and detail, even when the route documents a response schema', async () => {
    await buildApp();
    const body = expectProblem(await app.inject({ url: '/errors/not-found' }), 404, 'RECORD_NOT_FOUND');
    expect(body).toMatchObject({ detail: 'Record r1 does not exist.', instance: '/errors/not-found', type: '/docs/problems#record-not-found' });
    expect(PROBLEM_CONTENT_TYPE).toBe('application/problem+json');
  });

  it('keeps extensions such as the current version of a conflict', async () => {
    await buildApp();
    expect(expectProblem(await app.inject({ url: '/errors/conflict' }), 409, 'VERSION_CONFLICT')).toMatchObject({ currentVersion: 4 });
  });

  it('lists violations as errors with field, rule and message', async () => {
    await buildApp();
    const body = expectProblem(await app.inject({ url: '/errors/invalid' }), 400, 'INVALID_FILTER');
    expect(body.errors).toEqual([{ field: '/query/filter', rule: 'syntax', message: 'unexpected ")"' }]);
  });

  it('sends Retry-After in whole seconds when the error carries retryAfter', async () => {
    await buildApp();
    const down = await app.inject({ url: '/errors/unavailable' });
    expect(expectProblem(down, 503, 'SEARCH_UNAVAILABLE')).toMatchObject({ retryAfter: 3 });
    expect(down.headers['retry-after']).toBe('3');
    const limited = await app.inject({ url: '/errors/rate-limited' });
    expectProblem(limited, 429, 'RATE_LIMITED');
    expect(limited.headers['retry-after']).toBe('30');
  });

  it('turns errors thrown by hooks into problems too', async () => {
    await buildApp();
    expectProblem(await app.inject({ url: '/errors/in-hook' }), 403, 'FORBIDDEN_TENANT');
  });
});

describe('unexpected errors', () => {
  it('answer 500 INTERNAL with a generic detail, and log the stack', async () => {
    await buildApp();
    const response = await app.inject({ url: '/errors/crash' });
    const body = expectProblem(response, 500, 'INTERNAL');
    expect(body.detail).toBe(INTERNAL_DETAIL);
    expect(response.body).not.toMatch(/ECONNREFUSED|hunter2|stack|at Object|\.ts:/);
    const errorLine = logged.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.level === 'error');
    expect(errorLine).toMatchObject({ requestId: response.headers['x-request-id'], err: { message: expect.stringContaining('ECONNREFUSED') } });
    expect((errorLine!.err as { stack: string }).stack).toContain('errors.unit.test.ts');
  });

  it('hide the message of an internal HexbaseError but keep its code', async () => {
    await buildApp();
    const response = await app.inject({ url: '/errors/internal-hexbase' });
    expect(expectProblem(response, 500, 'INVARIANT_BROKEN').detail).toBe(INTERNAL_DETAIL);
    expect(response.body).not.toContain('acme');
  });

  it('keep the status and message of client errors raised by Fastify plugins', async () => {
    await buildApp();
    expect(expectProblem(await app.inject({ url: '/errors/client' }), 401, 'UNAUTHORIZED').detail).toBe('Missing credentials.');
  });
});

describe('request bodies', () => {
  it('rejects malformed and empty JSON with 400 MALFORMED_JSON', async () => {
    await buildApp();
    const headers = { 'content-type': 'application/json' };
    expectProblem(await app.inject({ method: 'POST', url: '/echo', headers, payload: '{"name": ' }), 400, 'MALFORMED_JSON');
    expectProblem(await app.inject({ method: 'POST', url: '/echo', headers, payload: '' }), 400, 'MALFORMED_JSON');
  });

  it('rejects a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    await buildApp();
    const response = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ text: 'x'.repeat(2_000) }) });
    expect(expectProblem(response, 413, 'PAYLOAD_TOO_LARGE')).toMatchObject({ limitBytes: 1_000 });
  });

  it('rejects media types that are not JSON with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    await buildApp();
    for (const contentType of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
      const response = await app.inject({ method: 'POST', url: '/echo', headers: { 'content-type': contentType }, payload: 'a=1' });
      expect(expectProblem(response, 415, 'UNSUPPORTED_MEDIA_TYPE').detail).toContain(contentType);
    }
  });

  it('accepts merge patches and other application/*+json bodies as JSON', async () => {
    await buildApp();
    for (const contentType of ['application/merge-patch+json', 'application/merge-patch+json; charset=utf-8', 'application/vnd.hexbase.record+json']) {
      const response = await app.inject({ method: 'PATCH', url: '/echo', headers: { 'content-type': contentType }, payload: '{"status":"shipped","note":null}' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ received: { status: 'shipped', note: null } });
    }
    const malformed = await app.inject({ method: 'PATCH', url: '/echo', headers: { 'content-type': 'application/merge-patch+json' }, payload: '{' });
    expectProblem(malformed, 400, 'MALFORMED_JSON');
  });

  it('refuses prototype poisoning in +json bodies', async () => {
    await buildApp();
    const response = await app.inject({ method: 'PATCH', url: '/echo', headers: { 'content-type': 'application/merge-patch+json' }, payload: '{"__proto__":{"admin":true}}' });
    expectProblem(response, 400, 'MALFORMED_JSON');
  });
});

describe('routing', () => {
  it('answers an unknown path with 404 ROUTE_NOT_FOUND', async () => {
    await buildApp();
    expect(expectProblem(await app.inject({ url: '/v1/nothing-here?x=1' }), 404, 'ROUTE_NOT_FOUND')).toMatchObject({ instance: '/v1/nothing-here' });
  });

  it('answers a malformed URL with a problem document too', async () => {
    await buildApp();
    expectProblem(await app.inject({ url: '/errors/%E0%A4%A' }), 400, 'BAD_REQUEST');
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    await buildApp();
    const response = await app.inject({ method: 'DELETE', url: '/echo' });
    expectProblem(response, 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers.allow).toBe('POST, PATCH');
  });
});
