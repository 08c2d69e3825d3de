import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@hexbase/contracts';
import { createTestDatabase, testServers, uniqueName } from '@hexbase/testing';
import { testEvent } from '../../application/event-log.contract';
import { refuseAppendsToDeletedStreams } from '../../application/refuse-appends-to-deleted-streams';
import type { StoredEvent } from '../../domain/stored-event';
import { callEventStore, startEventStore, type RunningEventStore } from '../../operations-test-support';
import { migrateEventStore } from '../../test-support';

let database: { url: string; drop(): Promise<void> };
let store: RunningEventStore;

beforeAll(async () => {
  database = await createTestDatabase(testServers().databaseUrl, 'retention_erasure');
  await migrateEventStore(database.url);
  store = await startEventStore({ databaseUrl: database.url });
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

const tenantName = (label: string) => uniqueName(label).replace(/_/g, '-');
const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => from + index);
const DAY = 24 * 3600 * 1000;

async function appendStream(tenantId: string, streamId: string, versions: number, overrides: (version: number) => Partial<EventEnvelope> = () => ({})): Promise<EventEnvelope[]> {
  const events: EventEnvelope[] = [];
  for (let version = 1; version <= versions; version += 1) {
    const event = testEvent({ id: randomUUID(), tenantid: tenantId, streamid: streamId, subject: streamId, streamversion: version, time: new Date().toISOString(), ...overrides(version) });
    expect((await store.log.append(event)).kind).toBe('appended');
    events.push(event);
  }
  return events;
}

const call = (tenant: string, method: string, path: string, body?: unknown) => callEventStore(store.url, method, path, { tenant, ...(body !== undefined ? { body } : {}) });
const streamPath = (streamId: string, query = '') => `/v1/streams/${encodeURIComponent(streamId)}/events${query}`;
const versionsOf = (items: StoredEvent[]) => items.map((stored) => stored.event.streamversion);
const logOf = (tenantId: string) => store.log.readLog({ tenantId, after: 0, limit: 10_000 });

describe('retention', () => {
  it('removes only the oldest events of each stream beyond its policy and keeps every stream readable and consistent', async () => {
    const tenant = tenantName('retained');
    await appendStream(tenant, 'orders/1', 10);
    await appendStream(tenant, 'orders/2', 3);
    await appendStream(tenant, 'invoices/1', 10);
    await appendStream(tenant, 'audit', 5, (version) => ({ time: new Date(Date.now() - (version <= 3 ? 10 : 0) * DAY).toISOString() }));
    await appendStream(tenant, 'stale', 4, () => ({ time: new Date(Date.now() - 30 * DAY).toISOString() }));
    const before = await logOf(tenant);

    expect((await call(tenant, 'PUT', '/v1/admin/retention', { scope: 'collection', target: 'orders', maxCount: 4 })).body).toMatchObject({ scope: 'collection', target: 'orders', maxCount: 4 });
    expect((await call(tenant, 'PUT', '/v1/admin/retention', { scope: 'stream', target: 'audit', maxAgeSeconds: 86_400 })).status).toBe(200);
    expect((await call(tenant, 'PUT', '/v1/admin/retention', { scope: 'stream', target: 'stale', maxAgeSeconds: 86_400 })).status).toBe(200);
    const run = await call(tenant, 'POST', '/v1/admin/retention/run');
    expect(run.body).toEqual({ eventsRemoved: 6 + 3 + 3, streamsTruncated: 3 });
    expect((await call(tenant, 'POST', '/v1/admin/retention/run')).body).toEqual({ eventsRemoved: 0, streamsTruncated: 0 });

    expect(versionsOf((await call(tenant, 'GET', streamPath('orders/1'))).body.items)).toEqual([7, 8, 9, 10]);
    expect(versionsOf((await call(tenant, 'GET', streamPath('orders/2'))).body.items)).toEqual([1, 2, 3]);
    expect(versionsOf((await call(tenant, 'GET', streamPath('invoices/1'))).body.items)).toEqual(range(1, 10));
    expect(versionsOf((await call(tenant, 'GET', streamPath('audit'))).body.items)).toEqual([4, 5]);
    expect(versionsOf((await call(tenant, 'GET', streamPath('stale'))).body.items)).toEqual([4]);
    const gone = await call(tenant, 'GET', streamPath('orders/1', '?fromVersion=1'));
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ code: 'STREAM_TRUNCATED', firstVersion: 7 });

    for (const [streamId, version] of [['orders/1', 10], ['audit', 5], ['stale', 4]] as const) {
      expect(await store.operations.streams.state(tenant, streamId), streamId).toMatchObject({ version });
    }
    const after = await logOf(tenant);
    const kept = new Set(after.map((stored) => stored.event.id));
    expect(after.map((stored) => stored.position)).toEqual(before.filter((stored) => kept.has(stored.event.id)).map((stored) => stored.position));
    expect(before.length - after.length).toBe(12);
    expect((await store.log.append(testEvent({ id: randomUUID(), tenantid: tenant, streamid: 'orders/1', subject: 'orders/1', streamversion: 11 }))).kind).toBe('appended');
    expect(versionsOf((await call(tenant, 'GET', streamPath('orders/1'))).body.items)).toEqual([7, 8, 9, 10, 11]);
  });

  it("applies a tenant's policies to that tenant's streams only", async () => {
    const [owner, neighbour] = [tenantName('policy-owner'), tenantName('neighbour')];
    await appendStream(owner, 'orders/1', 5);
    await appendStream(neighbour, 'orders/1', 5);
    await call(owner, 'PUT', '/v1/admin/retention', { scope: 'collection', target: 'orders', maxCount: 2 });
    expect((await call(neighbour, 'GET', '/v1/admin/retention')).body.items).toEqual([]);
    expect((await call(neighbour, 'POST', '/v1/admin/retention/run')).body.eventsRemoved).toBe(0);
    expect((await call(neighbour, 'DELETE', '/v1/admin/retention/collection/orders')).status).toBe(404);
    await store.operations.retention.apply({ now: new Date() });
    expect(versionsOf(await logOf(owner))).toEqual([4, 5]);
    expect(versionsOf(await logOf(neighbour))).toEqual(range(1, 5));
    expect((await call(owner, 'GET', '/v1/admin/retention')).body.items).toMatchObject([{ scope: 'collection', target: 'orders', maxCount: 2 }]);
    expect((await call(owner, 'DELETE', '/v1/admin/retention/collection/orders')).status).toBe(204);
  });

  it('answers bad policies with a problem document naming the field', async () => {
    const tenant = tenantName('bad-policy');
    const cases: Array<[unknown, string]> = [
      [{ scope: 'table', target: 'orders', maxCount: 1 }, '/body/scope'],
      [{ scope: 'collection', maxCount: 1 }, '/body/target'],
      [{ scope: 'collection', target: 'Orders/1', maxCount: 1 }, '/body/target'],
      [{ scope: 'collection', target: 'orders' }, '/body/maxCount'],
      [{ scope: 'collection', target: 'orders', maxCount: 0 }, '/body/maxCount'],
      [{ scope: 'collection', target: 'orders', maxCount: 2.5 }, '/body/maxCount'],
      [{ scope: 'stream', target: 'audit', maxAgeSeconds: -5 }, '/body/maxAgeSeconds'],
      [{ scope: 'stream', target: 'audit', maxAgeSeconds: 1e12 }, '/body/maxAgeSeconds'],
      [{ scope: 'stream', target: 'audit', maxCount: 3, keep: 'forever' }, '/body/keep'],
    ];
    for (const [body, field] of cases) {
      const answer = await call(tenant, 'PUT', '/v1/admin/retention', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.errors.map((error: { field: string }) => error.field), JSON.stringify(body)).toContain(field);
    }
  });
});

describe('deleting a stream', () => {
  it('hides a soft-deleted stream and refuses appends until it is restored; a hard delete removes its events', async () => {
    const tenant = tenantName('deleted');
    const events = await appendStream(tenant, 'orders/9', 3);
    const intakeLog = refuseAppendsToDeletedStreams(store.log, store.operations.streams);
    expect((await call(tenantName('stranger'), 'DELETE', streamPath('orders/9').replace('/events', ''))).status).toBe(404);

    expect((await call(tenant, 'DELETE', `/v1/streams/${encodeURIComponent('orders/9')}`)).body).toMatchObject({ deleted: 'soft', version: 3 });
    expect((await call(tenant, 'GET', streamPath('orders/9'))).body).toMatchObject({ status: 404, code: 'STREAM_DELETED' });
    const refused = await intakeLog.append(testEvent({ id: randomUUID(), tenantid: tenant, streamid: 'orders/9', subject: 'orders/9', streamversion: 4 })).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'STREAM_DELETED', kind: 'conflict' });
    expect((await logOf(tenant)).map((stored) => stored.event.id)).toEqual(events.map((event) => event.id));

    expect((await call(tenant, 'POST', `/v1/streams/${encodeURIComponent('orders/9')}/restore`)).status).toBe(200);
    expect(versionsOf((await call(tenant, 'GET', streamPath('orders/9'))).body.items)).toEqual([1, 2, 3]);

    expect((await call(tenant, 'DELETE', `/v1/streams/${encodeURIComponent('orders/9')}?hard=true`)).body).toMatchObject({ deleted: 'hard', eventsRemoved: 3 });
    expect((await call(tenant, 'GET', streamPath('orders/9'))).status).toBe(404);
    expect(await logOf(tenant)).toEqual([]);
    expect((await intakeLog.append(testEvent({ id: randomUUID(), tenantid: tenant, streamid: 'orders/9', subject: 'orders/9', streamversion: 1 }))).kind).toBe('appended');
    expect((await call(tenant, 'DELETE', `/v1/streams/${encodeURIComponent('orders/nothing')}?hard=true`)).body.code).toBe('STREAM_NOT_FOUND');
  });
});

describe('erasing a data subject', () => {
  it('replaces the data of the matching events and changes nothing else', async () => {
    const [tenant, neighbour] = [tenantName('erased'), tenantName('untouched')];
    const email = 'ann@example.com';
    await appendStream(tenant, 'users/ann', 3, (version) => ({ data: { data: { email: version < 3 ? email : 'ann@new.example', name: 'Ann' } } }));
    await appendStream(tenant, 'users/bob', 2, () => ({ data: { data: { email: 'bob@example.com' } } }));
    await appendStream(tenant, 'orders/1', 2, () => ({ data: { data: { buyer: { email } } } }));
    await appendStream(neighbour, 'users/ann', 2, () => ({ data: { data: { email } } }));
    const before = await logOf(tenant);
    const neighbourBefore = await logOf(neighbour);

    const erased = await call(tenant, 'POST', '/v1/admin/erasures', { field: 'data.data.email', value: email });
    expect(erased.status).toBe(201);
    expect(erased.body).toMatchObject({ eventsErased: 2 });
    const byStreams = await call(tenant, 'POST', '/v1/admin/erasures', { streams: ['users/ann', 'orders/1'] });
    expect(byStreams.body.eventsErased).toBe(3);

    const after = await logOf(tenant);
    expect(after.map((stored) => stored.position)).toEqual(before.map((stored) => stored.position));
    for (const [index, stored] of after.entries()) {
      const original = before[index]!;
      const { data: _data, ...envelope } = stored.event;
      const { data: _originalData, ...originalEnvelope } = original.event;
      expect(envelope).toEqual(originalEnvelope);
      expect(stored.event.data).toEqual(['users/ann', 'orders/1'].includes(stored.event.streamid) ? { erased: true } : original.event.data);
    }
    expect(await logOf(neighbour)).toEqual(neighbourBefore);
    const { rows } = await store.pool.query<{ erased: number }>('SELECT count(*)::int AS erased FROM events WHERE tenant_id = $1 AND erased_at IS NOT NULL', [tenant]);
    expect(rows[0]!.erased).toBe(5);
    const recorded = await store.pool.query<{ events_erased: number }>('SELECT events_erased FROM erasures WHERE tenant_id = $1 ORDER BY created_at', [tenant]);
    expect(recorded.rows.map((row) => row.events_erased)).toEqual([2, 3]);
  });

  it('answers bad erasure requests with a problem document naming the field', async () => {
    const tenant = tenantName('bad-erasure');
    const cases: Array<[unknown, string]> = [
      [{}, '/body/streams'],
      [{ streams: [] }, '/body/streams'],
      [{ field: 'data.data.email' }, '/body/value'],
      [{ value: 'x@example.com' }, '/body/field'],
      [{ field: 'subject', value: 'x' }, '/body/field'],
      [{ field: 'data..email', value: 'x' }, '/body/field'],
      [{ field: 'data.email', value: { nested: true } }, '/body/value'],
      [{ streams: ['users/1'], everything: true }, '/body/everything'],
    ];
    for (const [body, field] of cases) {
      const answer = await call(tenant, 'POST', '/v1/admin/erasures', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.errors.map((error: { field: string }) => error.field), JSON.stringify(body)).toContain(field);
    }
  });
});
