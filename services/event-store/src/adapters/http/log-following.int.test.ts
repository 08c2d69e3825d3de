import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@hexbase/contracts';
import { createTestDatabase, eventually, testServers, uniqueName } from '@hexbase/testing';
import { testEvent } from '../../application/event-log.contract';
import { callEventStore, openEventStream, startEventStore, type RunningEventStore } from '../../operations-test-support';
import { migrateEventStore } from '../../test-support';
import { LOG_APPENDED_CHANNEL } from '../postgres/pg-log-watcher';

let database: { url: string; drop(): Promise<void> };
let store: RunningEventStore;

beforeAll(async () => {
  database = await createTestDatabase(testServers().databaseUrl, 'log_following');
  await migrateEventStore(database.url);
  store = await startEventStore({ databaseUrl: database.url, sseHeartbeatMs: 200 });
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, index) => from + index);

function eventOf(tenantId: string, streamId: string, version: number, overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  return testEvent({ id: randomUUID(), tenantid: tenantId, streamid: streamId, subject: streamId, streamversion: version, ...overrides });
}

async function append(event: EventEnvelope): Promise<number> {
  const outcome = await store.log.append(event);
  if (outcome.kind !== 'appended') throw new Error(`not appended: ${JSON.stringify(outcome)}`);
  return outcome.position;
}

/** A client following the log by long-polling GET /v1/events, always from the last position it was given. */
function longPollFollower(tenantId: string, after: number, query = '') {
  const seen: Array<{ position: number; event: EventEnvelope }> = [];
  let lastPosition = after;
  let requests = 0;
  let stopped = false;
  const reading = (async () => {
    while (!stopped) {
      requests += 1;
      const page = await callEventStore(store.url, 'GET', `/v1/events?after=${lastPosition}&limit=50&wait=1${query}`, { tenant: tenantId });
      if (page.status !== 200) throw new Error(`long-poll answered ${page.status}: ${JSON.stringify(page.body)}`);
      seen.push(...page.body.items);
      lastPosition = page.body.lastPosition;
    }
  })();
  return { seen, lastPosition: () => lastPosition, requests: () => requests, stop: async () => ((stopped = true), await reading) };
}

/** Appends like createPgEventLog does, but runs `hold` between taking the global position and committing. */
async function appendHeldOpen(event: EventEnvelope, hold: (position: number, backendPid: number) => Promise<void>): Promise<number> {
  const client = await store.pool.connect();
  try {
    const { rows: backend } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await client.query('BEGIN');
    await client.query('INSERT INTO streams (tenant_id, stream_id, version) VALUES ($1, $2, 0)', [event.tenantid, event.streamid]);
    await client.query('SELECT version FROM streams WHERE tenant_id = $1 AND stream_id = $2 FOR UPDATE', [event.tenantid, event.streamid]);
    await client.query(`NOTIFY ${LOG_APPENDED_CHANNEL}`);
    const { rows: head } = await client.query<{ position: string }>('UPDATE log_head SET position = position + 1 WHERE id = 1 RETURNING position');
    const position = Number(head[0]!.position);
    await client.query(
      `INSERT INTO events (position, event_id, tenant_id, stream_id, stream_version, type, time, data, envelope) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [position, event.id, event.tenantid, event.streamid, event.streamversion, event.type, event.time, JSON.stringify(event.data ?? null), JSON.stringify({ ...event, data: undefined })],
    );
    await client.query('UPDATE streams SET version = $3 WHERE tenant_id = $1 AND stream_id = $2', [event.tenantid, event.streamid, event.streamversion]);
    await hold(position, backend[0]!.pid);
    await client.query('COMMIT');
    return position;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function appendersWaitingOn(pool: pg.Pool, backendPid: number): Promise<number> {
  const { rows } = await pool.query<{ waiting: number }>('SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [backendPid]);
  return rows[0]!.waiting;
}

describe('following the global log over HTTP', () => {
  it('gives a long-polling and a streaming follower every event exactly once, in position order, while writers append and some commit late', async () => {
    const tenant = uniqueName('followed').replace(/_/g, '-');
    const other = uniqueName('other').replace(/_/g, '-');
    const start = await store.log.headPosition();
    const poller = longPollFollower(tenant, start);
    const streamed = await openEventStream(`${store.url}/v1/events/stream?after=${start}`, { 'x-hexbase-tenant': tenant });
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get('content-type')).toMatch(/^text\/event-stream/);

    const ids: string[] = [];
    let writing = true;
    const writers = range(1, 4).map(async (writer) => {
      for (let version = 1; writing || version <= 8; version += 1) {
        const event = eventOf(tenant, `steady/${writer}`, version);
        await append(event);
        ids.push(event.id);
        await append(eventOf(other, `noise/${writer}`, version));
      }
    });
    for (let held = 1; held <= 3; held += 1) {
      const event = eventOf(tenant, `late/${held}`, 1);
      await appendHeldOpen(event, async (_position, backendPid) => {
        const requestsWhenTaken = poller.requests();
        // Hold until later appends queue up behind this transaction while the followers keep reading.
        await eventually(async () => ((await appendersWaitingOn(store.pool, backendPid)) > 0 && poller.requests() > requestsWhenTaken ? true : undefined), {
          timeoutMs: 10_000,
          what: 'appends to queue behind the open transaction',
        });
      });
      ids.push(event.id);
    }
    writing = false;
    await Promise.all(writers);

    const expected = await store.log.readLog({ tenantId: tenant, after: start, limit: 10_000 });
    const lastPosition = expected.at(-1)!.position;
    await eventually(() => (poller.lastPosition() >= lastPosition && streamed.events.at(-1)?.id === lastPosition ? true : undefined), { timeoutMs: 20_000, what: 'both followers to reach the head' });
    await poller.stop();
    await streamed.close();

    expect(expected.map((stored) => stored.event.id).sort()).toEqual([...ids].sort());
    expect(poller.seen.map((stored) => stored.position)).toEqual(expected.map((stored) => stored.position));
    expect(poller.seen.map((stored) => stored.event.id)).toEqual(expected.map((stored) => stored.event.id));
    expect(streamed.events.map((received) => received.id)).toEqual(expected.map((stored) => stored.position));
    expect(streamed.events.map((received) => received.data.id)).toEqual(expected.map((stored) => stored.event.id));
    expect(streamed.events.every((received, index) => received.type === expected[index]!.event.type && received.data.tenantid === tenant)).toBe(true);
  });

  it('answers a long-poll as soon as an event is appended, and with an empty page at the head once the wait is over', async () => {
    const tenant = uniqueName('waiting').replace(/_/g, '-');
    const head = await store.log.headPosition();
    const started = Date.now();
    const waiting = callEventStore(store.url, 'GET', `/v1/events?after=${head}&wait=25`, { tenant });
    // The watcher polls once a minute here: only the append's notification can answer this in time.
    await eventually(async () => ((await store.pool.query(`SELECT 1 FROM pg_stat_activity WHERE query ILIKE 'LISTEN%'`)).rowCount ? true : undefined));
    const position = await append(eventOf(tenant, 'orders/1', 1));
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((stored: { position: number }) => stored.position)).toEqual([position]);
    expect(Date.now() - started).toBeLessThan(20_000);

    const beforeEmpty = Date.now();
    const empty = await callEventStore(store.url, 'GET', `/v1/events?after=${position}&wait=1`, { tenant: uniqueName('quiet').replace(/_/g, '-') });
    expect(empty.body).toEqual({ items: [], lastPosition: await store.log.headPosition() });
    expect(Date.now() - beforeEmpty).toBeGreaterThanOrEqual(950);
  });

  it('filters the log by type, collection and a filter expression on the envelope, and skips what does not match', async () => {
    const tenant = uniqueName('filtered').replace(/_/g, '-');
    const start = await store.log.headPosition();
    await append(eventOf(tenant, 'orders/1', 1, { data: { data: { total: 5 } } }));
    const big = await append(eventOf(tenant, 'orders/2', 1, { data: { data: { total: 50 } } }));
    await append(eventOf(tenant, 'orders/2', 2, { type: 'record.updated', data: { data: { total: 60 } } }));
    await append(eventOf(tenant, 'invoices/1', 1, { data: { data: { total: 70 } } }));
    const filter = encodeURIComponent('type = "record.created" and data.data.total > 10');
    const page = await callEventStore(store.url, 'GET', `/v1/events?after=${start}&collection=orders&filter=${filter}`, { tenant });
    expect(page.body.items.map((stored: { position: number }) => stored.position)).toEqual([big]);
    expect(page.body.lastPosition).toBe(await store.log.headPosition());
    const types = await callEventStore(store.url, 'GET', `/v1/events?after=${start}&type=record.updated,record.deleted`, { tenant });
    expect(types.body.items.map((stored: { event: EventEnvelope }) => stored.event.type)).toEqual(['record.updated']);
  });

  it('resumes a dropped stream from Last-Event-ID with the rest of the events, each once', async () => {
    const tenant = uniqueName('resumed').replace(/_/g, '-');
    const start = await store.log.headPosition();
    const first = await openEventStream(`${store.url}/v1/events/stream?after=${start}`, { 'x-hexbase-tenant': tenant });
    const positions: number[] = [];
    for (let version = 1; version <= 10; version += 1) positions.push(await append(eventOf(tenant, 'orders/7', version)));
    await eventually(() => (first.events.length >= 4 ? true : undefined));
    await first.close();
    const received = first.events.slice(0, 4);
    for (let version = 11; version <= 20; version += 1) positions.push(await append(eventOf(tenant, 'orders/7', version)));

    const resumed = await openEventStream(`${store.url}/v1/events/stream?after=0`, { 'x-hexbase-tenant': tenant, 'last-event-id': String(received.at(-1)!.id) });
    await eventually(() => (resumed.events.at(-1)?.id === positions.at(-1) ? true : undefined), { what: 'the resumed stream to reach the last event' });
    await resumed.close();
    expect([...received, ...resumed.events].map((event) => event.id)).toEqual(positions);
    expect([...received, ...resumed.events].map((event) => event.data.streamversion)).toEqual(range(1, 20));
  });

  it('sends heartbeats while the log is quiet and ends every stream when the server shuts down', async () => {
    const own = await startEventStore({ databaseUrl: database.url, sseHeartbeatMs: 100 });
    const stream = await openEventStream(`${own.url}/v1/events/stream`, { 'x-hexbase-tenant': uniqueName('quiet').replace(/_/g, '-') });
    await eventually(() => (stream.comments.includes('heartbeat') ? true : undefined), { what: 'a heartbeat comment' });
    const closing = own.close();
    await stream.ended;
    await closing;
  });

  it('answers bad positions, waits, filters and selections with a problem document naming the field', async () => {
    const head = await store.log.headPosition();
    const cases: Array<[string, Record<string, string>, number, string]> = [
      ['/v1/events?after=-1', {}, 400, '/query/after'],
      ['/v1/events?after=abc', {}, 400, '/query/after'],
      ['/v1/events?wait=-1', {}, 400, '/query/wait'],
      ['/v1/events?wait=31', {}, 400, '/query/wait'],
      ['/v1/events?wait=1e9', {}, 400, '/query/wait'],
      ['/v1/events?limit=0', {}, 400, '/query/limit'],
      [`/v1/events?filter=${encodeURIComponent('data.total >')}`, {}, 400, '/query/filter'],
      [`/v1/events?filter=${encodeURIComponent('data.total > true')}`, {}, 400, '/query/filter'],
      ['/v1/events?collection=Not%2Fa%2Fcollection', {}, 400, '/query/collection'],
      ['/v1/events?type=Record.Created', {}, 400, '/query/type'],
      [`/v1/events?after=${head + 1000}`, {}, 409, '/query/after'],
      ['/v1/events/stream', { 'last-event-id': 'abc' }, 400, '/headers/last-event-id'],
      [`/v1/events/stream?after=${head + 1000}`, {}, 409, '/query/after'],
      [`/v1/events/stream?filter=${encodeURIComponent('(')}`, {}, 400, '/query/filter'],
    ];
    for (const [path, headers, status, field] of cases) {
      const answer = await callEventStore(store.url, 'GET', path, { headers });
      expect(answer.status, path).toBe(status);
      expect(answer.headers.get('content-type'), path).toMatch(/^application\/problem\+json/);
      expect(answer.body.errors.map((error: { field: string }) => error.field), path).toContain(field);
    }
  });
});
