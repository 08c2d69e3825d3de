import { createLogger } from '@hexbase/observability';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpApp } from './create-http-app';
import { MAX_LISTED_VIOLATIONS } from './validation-violations';

let app: FastifyInstance;
afterEach(() => app?.close());

async function buildApp(): Promise<FastifyInstance> {
  app = await createHttpApp({ service: 'test', logger: createLogger({ service: 'test', level: 'silent' }), openapi: { title: 'Test', version: '1.0.0' } });
  app.put(
    '/collections/:name/records/:id',
    {
      schema: {
        params: {
          type: 'object',
          required: ['name', 'id'],
          properties: { name: { type: 'string', pattern: '^[a-z][a-z0-9_]*$' }, id: { type: 'string', format: 'uuid' } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { limit: { type: 'integer', minimum: 1, maximum: 100 }, dryRun: { type: 'boolean' } },
        },
        headers: { type: 'object', required: ['if-match'], properties: { 'if-match': { type: 'string', pattern: '^"\\d+"$' } } },
        body: {
          type: 'object',
          required: ['title', 'address'],
          additionalProperties: false,
          properties: {
            title: { type: 'string', minLength: 1 },
            tags: { type: 'array', items: { type: 'string', maxLength: 5 } },
            address: { type: 'object', required: ['zip'], properties: { zip: { type: 'string' }, 'a/b~c': { type: 'integer' } } },
          },
        },
      },
    },
    async () => ({ ok: true }),
  );
  return app;
}

const ID = '0190c1d2-7e5a-7c3b-9a1e-2f4d5b6c7d8e';
const valid = { url: `/collections/orders/records/${ID}`, headers: { 'if-match': '"3"' }, payload: { title: 'First', address: { zip: '75001' } } };

function violations(response: LightMyRequestResponse): { field: string; rule: string; message: string }[] {
  expect(response.statusCode).toBe(400);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = response.json<{ code: string; errors: { field: string; rule: string; message: string }[] }>();
  expect(body.code).toBe('VALIDATION_FAILED');
  for (const violation of body.errors) expect(violation.message).toEqual(expect.any(String));
  return body.errors;
}

describe('schema validation problems', () => {
  it('accepts a valid request', async () => {
    await buildApp();
    expect((await app.inject({ method: 'PUT', ...valid })).statusCode).toBe(200);
  });

  it('lists every body violation, naming the missing property for required', async () => {
    await buildApp();
    const response = await app.inject({
      method: 'PUT',
      ...valid,
      payload: { title: '', tags: ['ok', 'far too long'], address: { 'a/b~c': 'x' }, extra: true },
    });
    expect(violations(response)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: '/body/title', rule: 'minLength' }),
        expect.objectContaining({ field: '/body/tags/1', rule: 'maxLength' }),
        expect.objectContaining({ field: '/body/address/zip', rule: 'required' }),
        expect.objectContaining({ field: '/body/address/a~1b~0c', rule: 'type' }),
        expect.objectContaining({ field: '/body/extra', rule: 'additionalProperties' }),
      ]),
    );
    expect(violations(response)).toHaveLength(5);
  });

  it('names the missing top-level body property', async () => {
    await buildApp();
    const response = await app.inject({ method: 'PUT', ...valid, payload: { address: { zip: '1' } } });
    expect(violations(response)).toEqual([expect.objectContaining({ field: '/body/title', rule: 'required' })]);
  });

  it('points into the query string', async () => {
    await buildApp();
    const response = await app.inject({ method: 'PUT', ...valid, url: `${valid.url}?limit=500&dryRun=maybe&sort=name` });
    expect(violations(response)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: '/query/limit', rule: 'maximum' }),
        expect.objectContaining({ field: '/query/dryRun', rule: 'type' }),
        expect.objectContaining({ field: '/query/sort', rule: 'additionalProperties' }),
      ]),
    );
  });

  it('points into the path parameters', async () => {
    await buildApp();
    const response = await app.inject({ method: 'PUT', ...valid, url: '/collections/Orders!/records/not-a-uuid' });
    expect(violations(response)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: '/params/name', rule: 'pattern' }),
        expect.objectContaining({ field: '/params/id', rule: 'format' }),
      ]),
    );
  });

  it('points into the headers', async () => {
    await buildApp();
    const missing = await app.inject({ method: 'PUT', ...valid, headers: {} });
    expect(violations(missing)).toEqual([expect.objectContaining({ field: '/headers/if-match', rule: 'required' })]);
    const malformed = await app.inject({ method: 'PUT', ...valid, headers: { 'if-match': 'W/"3"' } });
    expect(violations(malformed)).toEqual([expect.objectContaining({ field: '/headers/if-match', rule: 'pattern' })]);
  });

  it('keeps the list bounded when a body breaks a rule thousands of times', async () => {
    await buildApp();
    const response = await app.inject({ method: 'PUT', ...valid, payload: { ...valid.payload, tags: Array.from({ length: 5_000 }, () => 'toolong') } });
    expect(violations(response)).toHaveLength(MAX_LISTED_VIOLATIONS);
    expect(response.json<{ detail: string }>().detail).toContain('5000 invalid fields');
  });
});
