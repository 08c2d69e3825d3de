import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, freePort, testServers } from '@hexbase/testing';
import { migrateRecords, startRecords, type RecordsUnderTest } from '../../test-support';

let database: { url: string; drop(): Promise<void> };
let down: RecordsUnderTest;
let hanging: RecordsUnderTest;
let silentServer: Server;
const TIMEOUT_MS = 400;

beforeAll(async () => {
  database = await createTestDatabase(testServers().databaseUrl, 'record_history_api');
  await migrateRecords(database.url);
  // Given an event store whose port is closed, and one that accepts connections and never answers.
  down = await startRecords(database.url, { eventStore: { url: `http://127.0.0.1:${await freePort()}`, timeoutMs: TIMEOUT_MS, breaker: { volumeThreshold: 3, resetTimeout: 60_000 } } });
  silentServer = createServer(() => undefined);
  const silentPort = await freePort();
  await new Promise<void>((resolve) => silentServer.listen(silentPort, '127.0.0.1', resolve));
  hanging = await startRecords(database.url, { eventStore: { url: `http://127.0.0.1:${silentPort}`, timeoutMs: TIMEOUT_MS, breaker: { volumeThreshold: 100 } } });
  const created = await down.app.inject({ method: 'POST', url: '/v1/collections', payload: { name: 'tasks', schema: { type: 'object' } } });
  expect(created.statusCode).toBe(201);
  for (const id of ['t1', 't2']) {
    expect((await down.app.inject({ method: 'POST', url: '/v1/collections/tasks/records', payload: { id, data: { title: 'draft' } } })).statusCode).toBe(201);
    expect((await down.app.inject({ method: 'PATCH', url: `/v1/collections/tasks/records/${id}`, payload: { title: 'final' } })).statusCode).toBe(200);
  }
});

afterAll(async () => {
  await down?.close();
  await hanging?.close();
  silentServer?.closeAllConnections();
  await new Promise((resolve) => silentServer?.close(resolve));
  await database?.drop();
});

async function call(records: RecordsUnderTest, method: 'GET' | 'POST', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const started = Date.now();
  const response = await records.app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: response.statusCode, headers: response.headers, body: response.json() as any, ms: Date.now() - started };
}

const timeTravel: Array<[string, 'GET' | 'POST', string, unknown]> = [
  ['a read at a time', 'GET', '/v1/collections/tasks/records/t1?asOf=2026-01-01T00:00:00Z', undefined],
  ['a read at a version', 'GET', '/v1/collections/tasks/records/t1?atVersion=1', undefined],
  ['a history', 'GET', '/v1/collections/tasks/records/t1/history', undefined],
  ['a revert', 'POST', '/v1/collections/tasks/records/t1/revert', { version: 1 }],
];

describe('time travel while the event store is unreachable', () => {
  it.each(timeTravel)('answers %s with a fast 503 and Retry-After when the event store is down', async (_, method, url, payload) => {
    const answer = await call(down, method, url, payload);
    expect(answer.status).toBe(503);
    expect(Number(answer.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(answer.body).toMatchObject({ status: 503, code: expect.stringMatching(/^(EVENT_STORE_UNAVAILABLE|DEPENDENCY_UNAVAILABLE)$/) });
    expect(answer.ms).toBeLessThan(TIMEOUT_MS);
  });

  it('opens the breaker, then answers at once without calling the event store', async () => {
    const answer = await call(down, 'GET', '/v1/collections/tasks/records/t2/history');
    expect(answer.body).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', dependency: 'event-store' });
    expect(Number(answer.headers['retry-after'])).toBeGreaterThan(30);
  });

  it.each(timeTravel)('gives up on %s after its timeout when the event store does not answer', async (_, method, url, payload) => {
    const answer = await call(hanging, method, url, payload);
    expect(answer.status).toBe(503);
    expect(answer.headers['retry-after']).toBeDefined();
    expect(answer.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(answer.ms).toBeLessThan(TIMEOUT_MS + 1500);
  });

  it('keeps plain reads and writes working', async () => {
    expect((await call(down, 'GET', '/v1/collections/tasks/records/t1')).body).toMatchObject({ version: 2, data: { title: 'final' } });
    expect((await call(down, 'POST', '/v1/collections/tasks/records', { id: 't3', data: {} })).status).toBe(201);
  });
});

describe('bad time-travel input', () => {
  it.each<[string, 'GET' | 'POST', string, unknown, number, string, string | undefined]>([
    ['a malformed time', 'GET', '/v1/collections/tasks/records/t1?asOf=last-tuesday', undefined, 400, 'INVALID_TIMESTAMP', '/query/asOf'],
    ['a time without an offset', 'GET', '/v1/collections/tasks/records/t1?asOf=2026-01-01T00:00:00', undefined, 400, 'INVALID_TIMESTAMP', '/query/asOf'],
    ['a time and a version', 'GET', '/v1/collections/tasks/records/t1?asOf=2026-01-01T00:00:00Z&atVersion=1', undefined, 400, 'INVALID_TIME_TRAVEL_QUERY', '/query/asOf'],
    ['version 0', 'GET', '/v1/collections/tasks/records/t1?atVersion=0', undefined, 400, 'VALIDATION_FAILED', '/query/atVersion'],
    ['a word as version', 'GET', '/v1/collections/tasks/records/t1?atVersion=latest', undefined, 400, 'VALIDATION_FAILED', '/query/atVersion'],
    ['a version the record never had', 'GET', '/v1/collections/tasks/records/t1?atVersion=3', undefined, 404, 'RECORD_VERSION_NOT_FOUND', '/query/atVersion'],
    ['an unknown record', 'GET', '/v1/collections/tasks/records/none?atVersion=1', undefined, 404, 'RECORD_NOT_FOUND', undefined],
    ['an unknown collection', 'GET', '/v1/collections/nowhere/records/t1/history', undefined, 404, 'COLLECTION_NOT_FOUND', undefined],
    ['a history from version 0', 'GET', '/v1/collections/tasks/records/t1/history?fromVersion=0', undefined, 400, 'VALIDATION_FAILED', '/query/fromVersion'],
    ['a history limit over 1000', 'GET', '/v1/collections/tasks/records/t1/history?limit=5000', undefined, 400, 'VALIDATION_FAILED', '/query/limit'],
    ['a revert without a version', 'POST', '/v1/collections/tasks/records/t1/revert', {}, 400, 'VALIDATION_FAILED', '/body/version'],
    ['a revert to version 0', 'POST', '/v1/collections/tasks/records/t1/revert', { version: 0 }, 400, 'VALIDATION_FAILED', '/body/version'],
    ['a revert to a version the record never had', 'POST', '/v1/collections/tasks/records/t1/revert', { version: 9 }, 404, 'RECORD_VERSION_NOT_FOUND', '/body/version'],
    ['a revert with an unknown member', 'POST', '/v1/collections/tasks/records/t1/revert', { version: 1, data: {} }, 400, 'VALIDATION_FAILED', '/body/data'],
    ['a revert of an unknown record', 'POST', '/v1/collections/tasks/records/none/revert', { version: 1 }, 404, 'RECORD_NOT_FOUND', undefined],
  ])('answers %s with a problem document, without asking the event store', async (_, method, url, payload, status, code, field) => {
    const answer = await call(hanging, method, url, payload);
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    expect(answer.body.code).toBe(code);
    if (field) expect(answer.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    expect(answer.ms).toBeLessThan(TIMEOUT_MS);
  });

  it('answers a malformed If-Match on a revert with 400', async () => {
    const answer = await call(hanging, 'POST', '/v1/collections/tasks/records/t1/revert', { version: 1 }, { 'if-match': 'three' });
    expect(answer.body).toMatchObject({ status: 400, code: 'INVALID_IF_MATCH' });
  });
});

describe('the OpenAPI document', () => {
  it('describes the time-travel routes and parameters', async () => {
    const document = (await down.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { parameters?: Array<{ name: string }> }>> };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/collections/{name}/records/{id}/history', '/v1/collections/{name}/records/{id}/revert']));
    const read = document.paths['/v1/collections/{name}/records/{id}']!.get!;
    expect(read.parameters!.map((parameter) => parameter.name)).toEqual(expect.arrayContaining(['asOf', 'atVersion', 'includeDeleted']));
  });
});
