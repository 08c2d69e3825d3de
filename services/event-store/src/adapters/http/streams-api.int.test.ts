import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeConsistencyToken, encodeConsistencyToken, type EventEnvelope } from '@hexbase/contracts';
import { createLogger } from '@hexbase/observability';
import { systemClock, uuidV7Ids } from '@hexbase/ports';
import { createTestDatabase, testServers } from '@hexbase/testing';
import type { EventLog } from '../../application/ports';
import { recordEvents } from '../../application/record-arbitraries';
import { buildApp } from '../../app';
import { createEventStorePool, endPool, migrateEventStore } from '../../test-support';
import { createPgEventLog } from '../postgres/pg-event-log';
import { createPgSnapshots } from '../postgres/pg-snapshots';
import { createPgStreams } from '../postgres/pg-streams';

const MAX_EVENTS = 50;
const BODY_LIMIT = 64 * 1024;

let database: { url: string; drop(): Promise<void> };
let pool: pg.Pool;
let log: EventLog;
let app: FastifyInstance;

beforeAll(async () => {
  database = await createTestDatabase(testServers().databaseUrl, 'streams_api');
  await migrateEventStore(database.url);
  pool = createEventStorePool(database.url, 24);
  log = createPgEventLog(pool);
  app = await buildApp(log, {
    logger: createLogger({ service: 'event-store', level: 'silent' }),
    streams: {
      streams: createPgStreams(pool),
      snapshots: createPgSnapshots(pool),
      ids: uuidV7Ids,
      clock: systemClock,
      limits: { maxAppendEvents: MAX_EVENTS, appendBodyLimitBytes: BODY_LIMIT, consistencyWaitMs: 300 },
    },
  });
});

afterAll(async () => {
  await app?.close();
  if (pool) await endPool(pool);
  await database?.drop();
});

const streamUrl = (streamId: string, suffix = 'events') => `/v1/streams/${encodeURIComponent(streamId)}/${suffix}`;
const newEvent = (overrides: Record<string, unknown> = {}) => ({ id: randomUUID(), type: 'order.placed', data: { total: 10 }, ...overrides });

async function post(streamId: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await app.inject({ method: 'POST', url: streamUrl(streamId), headers: { 'content-type': 'application/json', ...headers }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.statusCode, headers: response.headers, body: response.json() as any };
}

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await app.inject({ method: 'GET', url, headers });
  return { status: response.statusCode, headers: response.headers, body: response.json() as any };
}

async function lastEventVersion(streamId: string, tenantId = 'default'): Promise<number> {
  const { rows } = await pool.query<{ version: number | null; stream: number | null }>(
    'SELECT (SELECT max(stream_version) FROM events WHERE tenant_id = $1 AND stream_id = $2) AS version, (SELECT version FROM streams WHERE tenant_id = $1 AND stream_id = $2) AS stream',
    [tenantId, streamId],
  );
  expect(rows[0]!.stream ?? 0, 'the stream version equals its last event version').toBe(rows[0]!.version ?? 0);
  return rows[0]!.version ?? 0;
}

describe('POST /v1/streams/{id}/events', () => {
  it('appends a batch atomically and answers with its positions, the stream version and a consistency token', async () => {
    const events = [newEvent(), newEvent({ type: 'order.paid', data: { amount: 10 }, correlationId: 'checkout-1' })];
    const created = await post('order-100', { expectedVersion: 'no_stream', events }, { 'x-correlation-id': 'req-1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ streamId: 'order-100', version: 2, events: [{ id: events[0]!.id, version: 1, position: expect.any(Number) }, { id: events[1]!.id, version: 2, position: created.body.events[0].position + 1 }] });
    expect(decodeConsistencyToken(created.headers['hexbase-consistency-token'] as string)).toEqual({ tenantId: 'default', streamId: 'order-100', version: 2 });
    expect(created.headers.location).toBe('/v1/streams/order-100/events?fromVersion=1');

    const read = await get(streamUrl('order-100'));
    expect(read.status).toBe(200);
    const [first, second] = read.body.items.map((item: { event: EventEnvelope }) => item.event);
    expect(first).toMatchObject({ specversion: '1.0', id: events[0]!.id, source: '/hexbase/event-store', type: 'order.placed', subject: 'order-100', streamid: 'order-100', streamversion: 1, tenantid: 'default', data: { total: 10 }, correlationid: 'req-1', dataschema: 'urn:hexbase:schema:order.placed:1' });
    expect(first.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(second).toMatchObject({ correlationid: 'checkout-1', streamversion: 2 });
    expect(await lastEventVersion('order-100')).toBe(2);
  });

  it('answers a retry of the same batch with the same positions, and writes nothing', async () => {
    const body = { expectedVersion: 'no_stream', events: [newEvent(), newEvent()] };
    const first = await post('order-101', body);
    const head = await log.headPosition();
    const again = await post('order-101', body);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await log.headPosition()).toBe(head);

    const changed = await post('order-101', { expectedVersion: 'any', events: [body.events[0], { ...body.events[1]!, data: { total: 11 } }] });
    expect(changed.status).toBe(409);
    expect(changed.body).toMatchObject({ code: 'EVENT_ID_REUSED', eventId: body.events[1]!.id, errors: [{ field: '/body/events/1/id', rule: 'unique' }] });
    expect(await log.headPosition()).toBe(head);
  });

  it('refuses a stale expected version with 409 and the current version, writing nothing', async () => {
    await post('order-102', { expectedVersion: 'no_stream', events: [newEvent(), newEvent()] });
    const head = await log.headPosition();
    for (const expectedVersion of [1, 3, 'no_stream', 0]) {
      const stale = await post('order-102', { expectedVersion, events: [newEvent()] });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ code: 'STREAM_VERSION_CONFLICT', currentVersion: 2, expectedVersion });
    }
    expect((await post('order-103', { expectedVersion: 'exists', events: [newEvent()] })).body).toMatchObject({ code: 'STREAM_VERSION_CONFLICT', currentVersion: 0 });
    expect(await log.headPosition()).toBe(head);
    expect((await post('order-102', { events: [newEvent()] })).body.version).toBe(3);
  });

  it('checks the version with an empty batch: 200 and the version, or 409', async () => {
    await post('order-104', { expectedVersion: 'no_stream', events: [newEvent()] });
    const checked = await post('order-104', { expectedVersion: 1, events: [] });
    expect(checked.status).toBe(200);
    expect(checked.body).toEqual({ streamId: 'order-104', version: 1, events: [] });
    expect(decodeConsistencyToken(checked.headers['hexbase-consistency-token'] as string)?.version).toBe(1);
    expect((await post('order-104', { expectedVersion: 0, events: [] })).status).toBe(409);
    expect((await post('order-105', { expectedVersion: 'no_stream', events: [] })).body).toEqual({ streamId: 'order-105', version: 0, events: [] });
    expect((await get(streamUrl('order-105'))).body.code).toBe('STREAM_NOT_FOUND');
  });

  it('lets exactly one of concurrent writers with the same expected version win, and empty appends never see a version without its event', async () => {
    for (let round = 0; round < 10; round += 1) {
      const streamId = `order-race-${round}`;
      await post(streamId, { expectedVersion: 'no_stream', events: [newEvent()] });
      const appends = Array.from({ length: 12 }, () => post(streamId, { expectedVersion: 1, events: [newEvent(), newEvent()] }));
      const checks = Array.from({ length: 12 }, () => post(streamId, { expectedVersion: 1, events: [] }));
      const answers = await Promise.all(appends);
      const checked = await Promise.all(checks);
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, ...Array.from({ length: 11 }, () => 409)]);
      expect(answers.filter((answer) => answer.status === 409).every((answer) => answer.body.code === 'STREAM_VERSION_CONFLICT' && answer.body.currentVersion === 3)).toBe(true);
      for (const check of checked) {
        expect([200, 409]).toContain(check.status);
        if (check.status === 200) expect(check.body.version).toBe(1);
        else expect(check.body).toMatchObject({ code: 'STREAM_VERSION_CONFLICT', currentVersion: 3 });
      }
      expect(await lastEventVersion(streamId)).toBe(3);
      const backward = await get(`${streamUrl(streamId)}?direction=backward&limit=1`);
      expect(backward.body.items[0].event.streamversion).toBe(backward.body.version);
    }
  });

  it('refuses appends to record streams and record events, and to a soft-deleted stream', async () => {
    const recordStream = await post('tasks/t1', { events: [newEvent()] });
    expect(recordStream.status).toBe(400);
    expect(recordStream.body.errors).toEqual([expect.objectContaining({ field: '/params/streamId', rule: 'application-stream' })]);
    const recordType = await post('order-106', { events: [newEvent({ type: 'record.created' })] });
    expect(recordType.body.errors).toEqual([expect.objectContaining({ field: '/body/events/0/type', rule: 'reserved' })]);

    await post('order-107', { events: [newEvent()] });
    await pool.query(`UPDATE streams SET deleted_at = now() WHERE tenant_id = 'default' AND stream_id = 'order-107'`);
    expect((await post('order-107', { events: [newEvent()] })).body).toMatchObject({ status: 409, code: 'STREAM_DELETED' });
    expect((await get(streamUrl('order-107'))).body).toMatchObject({ status: 404, code: 'STREAM_DELETED' });
  });

  it.each<[string, unknown, number, string, string | undefined]>([
    ['no events member', { expectedVersion: 'any' }, 400, 'VALIDATION_FAILED', '/body/events'],
    ['events not an array', { events: {} }, 400, 'VALIDATION_FAILED', '/body/events'],
    ['an event without a type', { events: [{ data: {} }] }, 400, 'VALIDATION_FAILED', '/body/events/0/type'],
    ['an event without data', { events: [{ type: 'order.placed' }] }, 400, 'VALIDATION_FAILED', '/body/events/0/data'],
    ['data that is not an object', { events: [{ type: 'order.placed', data: [1] }] }, 400, 'VALIDATION_FAILED', '/body/events/0/data'],
    ['a malformed type', { events: [{ type: 'Order Placed', data: {} }] }, 400, 'VALIDATION_FAILED', '/body/events/0/type'],
    ['a one-word type', { events: [{ type: 'placed', data: {} }] }, 400, 'VALIDATION_FAILED', '/body/events/0/type'],
    ['an id that is not a UUID', { events: [{ id: 'event-1', type: 'order.placed', data: {} }] }, 400, 'VALIDATION_FAILED', '/body/events/0/id'],
    ['an unknown event member', { events: [{ type: 'order.placed', data: {}, version: 3 }] }, 400, 'VALIDATION_FAILED', '/body/events/0/version'],
    ['an unknown body member', { events: [], streamId: 'x' }, 400, 'VALIDATION_FAILED', '/body/streamId'],
    ['the same id twice', { events: [{ id: '0190b000-0000-7000-8000-000000000001', type: 'order.placed', data: {} }, { id: '0190B000-0000-7000-8000-000000000001', type: 'order.placed', data: {} }] }, 400, 'APPEND_INVALID', '/body/events/1/id'],
    ['an expected version that is a word', { expectedVersion: 'latest', events: [] }, 400, 'VALIDATION_FAILED', '/body/expectedVersion'],
    ['a negative expected version', { expectedVersion: -1, events: [] }, 400, 'VALIDATION_FAILED', '/body/expectedVersion'],
    ['a fractional expected version', { expectedVersion: 1.5, events: [] }, 400, 'VALIDATION_FAILED', '/body/expectedVersion'],
    ['a null expected version', { expectedVersion: null, events: [] }, 400, 'VALIDATION_FAILED', '/body/expectedVersion'],
    ['a schema version of 0', { events: [{ type: 'order.placed', data: {}, schemaVersion: 0 }] }, 400, 'VALIDATION_FAILED', '/body/events/0/schemaVersion'],
    ['too many events', { events: Array.from({ length: MAX_EVENTS + 1 }, () => ({ type: 'order.placed', data: {} })) }, 400, 'VALIDATION_FAILED', '/body/events'],
    ['a body over the limit', { events: [{ type: 'order.placed', data: { blob: 'x'.repeat(BODY_LIMIT) } }] }, 413, 'PAYLOAD_TOO_LARGE', undefined],
    ['malformed JSON', '{"events": [', 400, 'MALFORMED_JSON', undefined],
  ])('answers %s with a problem document naming the field', async (_, body, status, code, field) => {
    const head = await log.headPosition();
    const answer = await post('order-bad', body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.body.code).toBe(code);
    if (field) expect(answer.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    expect(await log.headPosition()).toBe(head);
  });

  it('answers a stream id that is too long or an unknown tenant header format with 400', async () => {
    expect((await post('x'.repeat(301), { events: [] })).body).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: '/params/streamId' })] });
    expect((await post('order-1', { events: [] }, { 'x-hexbase-tenant': 'Not A Tenant' })).body).toMatchObject({ status: 400, code: 'INVALID_TENANT' });
  });
});

describe('GET /v1/streams/{id}/events', () => {
  it('reads forward and backward from a version, in pages', async () => {
    await post('order-200', { expectedVersion: 'no_stream', events: Array.from({ length: 7 }, () => newEvent()) });
    const versions = (page: { body: { items: Array<{ event: EventEnvelope }> } }) => page.body.items.map((item) => item.event.streamversion);
    const forward = await get(`${streamUrl('order-200')}?fromVersion=3&limit=3`);
    expect(versions(forward)).toEqual([3, 4, 5]);
    expect(forward.body).toMatchObject({ streamId: 'order-200', version: 7, nextVersion: 6 });
    const backward = await get(`${streamUrl('order-200')}?direction=backward&limit=3`);
    expect(versions(backward)).toEqual([7, 6, 5]);
    expect(backward.body.nextVersion).toBe(4);
    const tail = await get(`${streamUrl('order-200')}?direction=backward&fromVersion=2&limit=3`);
    expect(versions(tail)).toEqual([2, 1]);
    expect(tail.body.nextVersion).toBeNull();
    expect((await get(`${streamUrl('order-200')}?fromVersion=8`)).body).toMatchObject({ items: [], nextVersion: null, version: 7 });
  });

  it.each<[string, string, number, string, string | undefined]>([
    ['an unknown stream', '/v1/streams/order-none/events', 404, 'STREAM_NOT_FOUND', undefined],
    ['another tenant’s stream', '/v1/streams/order-200/events#acme', 404, 'STREAM_NOT_FOUND', undefined],
    ['version 0', '/v1/streams/order-200/events?fromVersion=0', 400, 'VALIDATION_FAILED', '/query/fromVersion'],
    ['a word as version', '/v1/streams/order-200/events?fromVersion=last', 400, 'VALIDATION_FAILED', '/query/fromVersion'],
    ['an unknown direction', '/v1/streams/order-200/events?direction=up', 400, 'VALIDATION_FAILED', '/query/direction'],
    ['a limit over 1000', '/v1/streams/order-200/events?limit=1001', 400, 'VALIDATION_FAILED', '/query/limit'],
    ['an unknown parameter', '/v1/streams/order-200/events?from=1', 400, 'VALIDATION_FAILED', '/query/from'],
  ])('answers %s with a problem document', async (_, url, status, code, field) => {
    const [path, tenant] = url.split('#');
    const answer = await get(path!, tenant ? { 'x-hexbase-tenant': tenant } : {});
    expect(answer.status).toBe(status);
    expect(answer.body.code).toBe(code);
    if (field) expect(answer.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });
});

describe('GET /v1/correlations/{id}/events', () => {
  it('reads every event of one correlation, across streams, after a position', async () => {
    const correlation = `checkout-${randomUUID()}`;
    await post('order-300', { events: [newEvent()] }, { 'x-correlation-id': correlation });
    await post('payment-300', { events: [newEvent({ type: 'payment.taken' }), newEvent({ type: 'payment.settled', correlationId: 'elsewhere' })] }, { 'x-correlation-id': correlation });
    const page = await get(`/v1/correlations/${correlation}/events`);
    expect(page.body.items.map((item: { event: EventEnvelope }) => [item.event.streamid, item.event.type])).toEqual([
      ['order-300', 'order.placed'],
      ['payment-300', 'payment.taken'],
    ]);
    const after = await get(`/v1/correlations/${correlation}/events?after=${page.body.items[0].position}`);
    expect(after.body.items).toHaveLength(1);
    expect(after.body.lastPosition).toBe(page.body.lastPosition);
    expect((await get(`/v1/correlations/${correlation}/events`, { 'x-hexbase-tenant': 'acme' })).body.items).toEqual([]);
    expect((await get(`/v1/correlations/${correlation}/events?after=-1`)).body).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: '/query/after' })] });
  });
});

describe('time travel over HTTP', () => {
  const start = new Date('2026-02-01T08:00:00.000Z');

  async function takeIn(id: string) {
    const events = recordEvents('default', 'tasks', id, { title: 'draft' }, [{ op: 'update', data: { title: 'final' } }, { op: 'delete' }], start, [1000]);
    for (const event of events) expect((await log.append(event)).kind).toBe('appended');
    return events;
  }

  it('answers the state at a version, at a time, and now', async () => {
    await takeIn('h1');
    const atVersion = await get(`${streamUrl('tasks/h1', 'state')}?version=2`);
    expect(atVersion.body).toEqual({
      streamId: 'tasks/h1',
      version: 2,
      at: '2026-02-01T08:00:01.000Z',
      state: { id: 'h1', collection: 'tasks', version: 2, createdAt: '2026-02-01T08:00:00.000Z', updatedAt: '2026-02-01T08:00:01.000Z', deletedAt: null, purgedAt: null, data: { title: 'final' } },
    });
    const asOf = await get(`${streamUrl('tasks/h1', 'state')}?asOf=${encodeURIComponent('2026-02-01T09:00:00.500+01:00')}`);
    expect(asOf.body).toMatchObject({ version: 1, asOf: '2026-02-01T08:00:00.500Z', state: { data: { title: 'draft' } } });
    expect((await get(`${streamUrl('tasks/h1', 'state')}?asOf=2026-01-01T00:00:00Z`)).body).toMatchObject({ version: 0, state: null, at: null });
    expect((await get(streamUrl('tasks/h1', 'state'))).body.state).toMatchObject({ version: 3, deletedAt: '2026-02-01T08:00:02.000Z' });
  });

  it('lists the history with the changes of each version', async () => {
    await takeIn('h2');
    const history = await get(`${streamUrl('tasks/h2', 'history')}?limit=2`);
    expect(history.body).toMatchObject({ streamId: 'tasks/h2', version: 3, nextVersion: 3 });
    expect(history.body.items.map((item: { version: number; changes: unknown }) => [item.version, item.changes])).toEqual([
      [1, [{ op: 'add', path: '/title', value: 'draft' }]],
      [2, [{ op: 'replace', path: '/title', value: 'final', previous: 'draft' }]],
    ]);
  });

  it('waits for a write named by a consistency token, and answers 503 when it does not arrive in time', async () => {
    const [created, ...later] = recordEvents('default', 'tasks', 'h3', {}, [{ op: 'update', data: { n: 1 } }], start, [1]);
    await log.append(created!);
    const token = encodeConsistencyToken({ tenantId: 'default', streamId: 'tasks/h3', version: 2 });
    const late = await get(streamUrl('tasks/h3', 'state'), { 'hexbase-consistency-token': token });
    expect(late.status).toBe(503);
    expect(late.headers['retry-after']).toBe('1');
    expect(late.body.code).toBe('CONSISTENCY_TIMEOUT');

    const waiting = get(streamUrl('tasks/h3', 'state'), { 'hexbase-consistency-token': token });
    await log.append(later[0]!);
    expect((await waiting).body).toMatchObject({ version: 2, state: { data: { n: 1 } } });
    const foreign = encodeConsistencyToken({ tenantId: 'acme', streamId: 'tasks/h3', version: 1 });
    expect((await get(streamUrl('tasks/h3', 'state'), { 'hexbase-consistency-token': foreign })).body).toMatchObject({ status: 400, code: 'INVALID_CONSISTENCY_TOKEN' });
  });

  it.each<[string, string, number, string, string | undefined]>([
    ['an application stream', '/v1/streams/order-100/state', 400, 'NOT_A_RECORD_STREAM', '/params/streamId'],
    ['an unknown record', '/v1/streams/tasks%2Fnone/state', 404, 'STREAM_NOT_FOUND', undefined],
    ['a version the record does not have', '/v1/streams/tasks%2Fh1/state?version=9', 404, 'STREAM_VERSION_NOT_FOUND', undefined],
    ['version 0', '/v1/streams/tasks%2Fh1/state?version=0', 400, 'VALIDATION_FAILED', '/query/version'],
    ['a malformed time', '/v1/streams/tasks%2Fh1/state?asOf=yesterday', 400, 'INVALID_TIMESTAMP', '/query/asOf'],
    ['a date without a time', '/v1/streams/tasks%2Fh1/state?asOf=2026-02-01', 400, 'INVALID_TIMESTAMP', '/query/asOf'],
    ['an impossible date', '/v1/streams/tasks%2Fh1/state?asOf=2026-02-30T00:00:00Z', 400, 'INVALID_TIMESTAMP', '/query/asOf'],
    ['both a version and a time', '/v1/streams/tasks%2Fh1/state?version=1&asOf=2026-02-01T00:00:00Z', 400, 'INVALID_STATE_QUERY', '/query/asOf'],
    ['a history of an application stream', '/v1/streams/order-100/history', 400, 'NOT_A_RECORD_STREAM', '/params/streamId'],
    ['a history from version 0', '/v1/streams/tasks%2Fh1/history?fromVersion=0', 400, 'VALIDATION_FAILED', '/query/fromVersion'],
    ['a history of an unknown record', '/v1/streams/tasks%2Fnone/history', 404, 'STREAM_NOT_FOUND', undefined],
    ['a malformed consistency token', '/v1/streams/tasks%2Fh1/history#token', 400, 'INVALID_CONSISTENCY_TOKEN', '/headers/hexbase-consistency-token'],
  ])('answers %s with a problem document', async (_, url, status, code, field) => {
    const [path, token] = url.split('#');
    const answer = await get(path!, token ? { 'hexbase-consistency-token': 'not-a-token' } : {});
    expect(answer.status, JSON.stringify(answer.body)).toBe(status);
    expect(answer.body.code).toBe(code);
    if (field) expect(answer.body.errors.map((error: { field: string }) => error.field)).toContain(field);
  });

  it('answers 404 for the state and history of a soft-deleted stream', async () => {
    await takeIn('h4');
    await pool.query(`UPDATE streams SET deleted_at = now() WHERE tenant_id = 'default' AND stream_id = 'tasks/h4'`);
    expect((await get(streamUrl('tasks/h4', 'state'))).body).toMatchObject({ status: 404, code: 'STREAM_DELETED' });
    expect((await get(streamUrl('tasks/h4', 'history'))).body).toMatchObject({ status: 404, code: 'STREAM_DELETED' });
  });
});

describe('the OpenAPI document', () => {
  it('describes appends, stream and correlation reads, state and history', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(document.paths['/v1/streams/{streamId}/events']!)).toEqual(expect.arrayContaining(['get', 'post']));
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/correlations/{correlationId}/events', '/v1/streams/{streamId}/state', '/v1/streams/{streamId}/history']));
  });
});
