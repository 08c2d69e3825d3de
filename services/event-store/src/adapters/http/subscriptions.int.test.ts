import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@hexbase/contracts';
import { createTestDatabase, testServers, uniqueName } from '@hexbase/testing';
import { testEvent } from '../../application/event-log.contract';
import { subscriptionsContract } from '../../application/subscriptions.contract';
import { callEventStore, startEventStore, type RunningEventStore } from '../../operations-test-support';
import { migrateEventStore } from '../../test-support';
import { createPgSubscriptions } from '../postgres/pg-subscriptions';

let database: { url: string; drop(): Promise<void> };
let store: RunningEventStore;

beforeAll(async () => {
  database = await createTestDatabase(testServers().databaseUrl, 'subscriptions');
  await migrateEventStore(database.url);
  store = await startEventStore({ databaseUrl: database.url });
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

subscriptionsContract('PostgreSQL', async () => createPgSubscriptions(store.pool));

const tenantName = (label: string) => uniqueName(label).replace(/_/g, '-');

async function append(tenantId: string, streamId: string, version: number, overrides: Partial<EventEnvelope> = {}): Promise<number> {
  const outcome = await store.log.append(testEvent({ id: randomUUID(), tenantid: tenantId, streamid: streamId, subject: streamId, streamversion: version, ...overrides }));
  if (outcome.kind !== 'appended') throw new Error(`not appended: ${JSON.stringify(outcome)}`);
  return outcome.position;
}

describe('named subscriptions over HTTP', () => {
  it('reads from the checkpoint, keeps it across a restart of the service, and never moves it backwards', async () => {
    const tenant = tenantName('named');
    const call = (url: string, method: string, path: string, body?: unknown) => callEventStore(url, method, path, { tenant, ...(body !== undefined ? { body } : {}) });
    const created = await call(store.url, 'PUT', '/v1/subscriptions/search-indexer', { collection: 'orders', filter: 'data.data.total >= 10', startPosition: await store.log.headPosition() });
    expect(created.status).toBe(201);
    const positions: number[] = [];
    for (let version = 1; version <= 6; version += 1) {
      const position = await append(tenant, 'orders/1', version, { data: { data: { total: version * 3 } } });
      if (version * 3 >= 10) positions.push(position);
      await append(tenant, 'invoices/1', version, { data: { data: { total: 99 } } });
    }

    const firstPage = await call(store.url, 'GET', '/v1/subscriptions/search-indexer/events?limit=2');
    expect(firstPage.body.items.map((stored: { position: number }) => stored.position)).toEqual(positions.slice(0, 2));
    expect((await call(store.url, 'POST', '/v1/subscriptions/search-indexer/ack', { position: firstPage.body.lastPosition })).body.position).toBe(positions[1]);

    await store.close();
    store = await startEventStore({ databaseUrl: database.url });

    expect((await call(store.url, 'GET', '/v1/subscriptions/search-indexer')).body).toMatchObject({ name: 'search-indexer', position: positions[1], selector: { collection: 'orders', filter: 'data.data.total >= 10' } });
    const backwards = await call(store.url, 'POST', '/v1/subscriptions/search-indexer/ack', { position: positions[0] });
    expect(backwards.status).toBe(200);
    expect(backwards.body.position).toBe(positions[1]);
    const rest = await call(store.url, 'GET', '/v1/subscriptions/search-indexer/events?limit=100');
    expect(rest.body.items.map((stored: { position: number }) => stored.position)).toEqual(positions.slice(2));
    expect(rest.body.checkpoint).toBe(positions[1]);
    await call(store.url, 'POST', '/v1/subscriptions/search-indexer/ack', { position: rest.body.lastPosition });
    expect((await call(store.url, 'GET', '/v1/subscriptions/search-indexer/events?wait=1')).body.items).toEqual([]);

    const ahead = await call(store.url, 'POST', '/v1/subscriptions/search-indexer/ack', { position: (await store.log.headPosition()) + 1 });
    expect(ahead.status).toBe(409);
    expect(ahead.body).toMatchObject({ code: 'POSITION_AHEAD_OF_LOG', errors: [{ field: '/body/position' }] });
  });

  it('waits on a subscription for its next event', async () => {
    const tenant = tenantName('waiting');
    await callEventStore(store.url, 'PUT', '/v1/subscriptions/mailer', { tenant, body: { types: ['record.deleted'], startPosition: 'head' } });
    const waiting = callEventStore(store.url, 'GET', '/v1/subscriptions/mailer/events?wait=20', { tenant });
    await append(tenant, 'orders/1', 1);
    const position = await append(tenant, 'orders/1', 2, { type: 'record.deleted' });
    expect((await waiting).body.items.map((stored: { position: number }) => stored.position)).toEqual([position]);
  });

  it('answers the same creation again with the existing subscription, and another selection under the name with 409', async () => {
    const tenant = tenantName('again');
    const body = { types: ['record.created'], startPosition: 0 };
    expect((await callEventStore(store.url, 'PUT', '/v1/subscriptions/audit', { tenant, body })).status).toBe(201);
    expect((await callEventStore(store.url, 'PUT', '/v1/subscriptions/audit', { tenant, body })).status).toBe(200);
    const other = await callEventStore(store.url, 'PUT', '/v1/subscriptions/audit', { tenant, body: { types: ['record.updated'] } });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('SUBSCRIPTION_EXISTS');
    expect((await callEventStore(store.url, 'DELETE', '/v1/subscriptions/audit', { tenant })).status).toBe(204);
    expect((await callEventStore(store.url, 'GET', '/v1/subscriptions/audit', { tenant })).status).toBe(404);
  });

  it("never lets a tenant see, read, acknowledge or delete another tenant's subscription", async () => {
    const [owner, intruder] = [tenantName('owner'), tenantName('intruder')];
    await append(owner, 'orders/secret', 1);
    await callEventStore(store.url, 'PUT', '/v1/subscriptions/private', { tenant: owner, body: {} });
    for (const [method, path, body] of [
      ['GET', '/v1/subscriptions/private', undefined],
      ['GET', '/v1/subscriptions/private/events', undefined],
      ['POST', '/v1/subscriptions/private/ack', { position: 1 }],
      ['DELETE', '/v1/subscriptions/private', undefined],
    ] as const) {
      const answer = await callEventStore(store.url, method, path, { tenant: intruder, ...(body ? { body } : {}) });
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.body.code).toBe('SUBSCRIPTION_NOT_FOUND');
    }
    await callEventStore(store.url, 'PUT', '/v1/subscriptions/private', { tenant: intruder, body: {} });
    const intruderPage = await callEventStore(store.url, 'GET', '/v1/subscriptions/private/events', { tenant: intruder });
    expect(intruderPage.body.items.filter((stored: { event: EventEnvelope }) => stored.event.tenantid !== intruder)).toEqual([]);
    expect((await callEventStore(store.url, 'GET', '/v1/subscriptions/private/events', { tenant: owner })).body.items.length).toBeGreaterThan(0);
  });

  it('answers bad names, positions, waits and filters with a problem document naming the field', async () => {
    const tenant = tenantName('bad');
    await callEventStore(store.url, 'PUT', '/v1/subscriptions/known', { tenant, body: {} });
    const head = await store.log.headPosition();
    const cases: Array<[string, string, unknown, number, string]> = [
      ['GET', '/v1/subscriptions/unknown', undefined, 404, ''],
      ['GET', '/v1/subscriptions/unknown/events', undefined, 404, ''],
      ['POST', '/v1/subscriptions/unknown/ack', { position: 0 }, 404, ''],
      ['PUT', '/v1/subscriptions/-bad-name', {}, 400, '/params/name'],
      ['PUT', '/v1/subscriptions/new', { startPosition: -1 }, 400, '/body/startPosition'],
      ['PUT', '/v1/subscriptions/new', { startPosition: head + 100 }, 409, '/body/startPosition'],
      ['PUT', '/v1/subscriptions/new', { filter: 'total >>> 3' }, 400, '/body/filter'],
      ['PUT', '/v1/subscriptions/new', { types: ['Not A Type'] }, 400, '/body/types/0'],
      ['PUT', '/v1/subscriptions/new', { collection: 'Orders' }, 400, '/body/collection'],
      ['PUT', '/v1/subscriptions/new', { colour: 'red' }, 400, '/body/colour'],
      ['GET', '/v1/subscriptions/known/events?wait=-1', undefined, 400, '/query/wait'],
      ['GET', '/v1/subscriptions/known/events?wait=3600', undefined, 400, '/query/wait'],
      ['GET', '/v1/subscriptions/known/events?limit=100000', undefined, 400, '/query/limit'],
      ['POST', '/v1/subscriptions/known/ack', {}, 400, '/body/position'],
      ['POST', '/v1/subscriptions/known/ack', { position: -5 }, 400, '/body/position'],
      ['POST', '/v1/subscriptions/known/ack', { position: 'last' }, 400, '/body/position'],
    ];
    for (const [method, path, body, status, field] of cases) {
      const answer = await callEventStore(store.url, method, path, { tenant, ...(body !== undefined ? { body } : {}) });
      expect(answer.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(status);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      if (field) expect(answer.body.errors.map((error: { field: string }) => error.field), `${method} ${path}`).toContain(field);
      else expect(answer.body.code).toBe('SUBSCRIPTION_NOT_FOUND');
    }
  });
});
