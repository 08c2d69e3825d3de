import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@hexbase/testing';
import { startRecords, type RecordsUnderTest } from '../../test-support';

let records: RecordsUnderTest;

beforeAll(async () => {
  // A database address where nothing listens: PostgreSQL is down.
  records = await startRecords(`postgresql://postgres@127.0.0.1:${await freePort()}/hexbase`);
});

afterAll(async () => {
  await records?.close();
});

describe('the records API while PostgreSQL is down', () => {
  it.each([
    ['GET', '/v1/collections', undefined],
    ['GET', '/v1/collections/orders/records/o1', undefined],
    ['POST', '/v1/collections/orders/records', { data: { total: 1 } }],
  ] as const)('%s %s answers a fast 503 with Retry-After, not a 500', async (method, url, body) => {
    const started = Date.now();
    const response = await records.app.inject({ method, url, ...(body ? { payload: body } : {}) });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('2');
    expect(JSON.parse(response.body)).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE' });
  });
});
