import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordSchemaUri, type EventEnvelope } from '@hexbase/contracts';
import { createPgPool, schemaConnectionConfig } from '@hexbase/db';
import type { EventPublisher, OutboxRelayStore } from '@hexbase/ports';
import { createTestDatabase, eventually, testServers } from '@hexbase/testing';
import { relayOutbox } from '../../application/relay-outbox';
import { migrateRecords, RECORDS_SCHEMA, startRecords, type RecordsUnderTest } from '../../test-support';
import { createPgOutboxRelayStore, createPgOutboxWakeups } from './pg-outbox';

let database: { url: string; drop(): Promise<void> };
let records: RecordsUnderTest;
const relayPools: pg.Pool[] = [];

beforeAll(async () => {
  database = await createTestDatabase(testServers().databaseUrl, 'pg_outbox');
  await migrateRecords(database.url);
  records = await startRecords(database.url);
  const created = await records.app.inject({ method: 'POST', url: '/v1/collections', payload: { name: 'orders', schema: { type: 'object' } } });
  expect(created.statusCode).toBe(201);
});

// Each test starts from an empty outbox; what an earlier test left there is not its business.
beforeEach(async () => {
  await records.pool.query('DELETE FROM outbox');
});

afterAll(async () => {
  const pools = [...relayPools, ...(records ? [records.pool] : [])];
  const closed = Promise.all(pools.map(connectionsClosed));
  await Promise.all(relayPools.map((pool) => pool.end()));
  await records?.close();
  await closed;
  await database?.drop();
});

/** Resolves once every connection the pool holds now has closed (`pool.end()` resolves before they have). */
function connectionsClosed(pool: pg.Pool): Promise<void> {
  const open = pool.totalCount;
  let closed = 0;
  return new Promise((resolve) => {
    if (open === 0) resolve();
    pool.on('remove', () => {
      closed += 1;
      if (closed === open) resolve();
    });
  });
}

/** A relay's view of the outbox on a pool of its own, as each relay process has. */
function relayStore(): OutboxRelayStore {
  const pool = createPgPool(database.url, RECORDS_SCHEMA, { max: 2 });
  relayPools.push(pool);
  return createPgOutboxRelayStore(pool);
}

function listenForWakeups() {
  return createPgOutboxWakeups(async () => {
    const client = new pg.Client(schemaConnectionConfig(database.url, RECORDS_SCHEMA));
    await client.connect();
    return client;
  });
}

async function write(method: 'POST' | 'PATCH', url: string, body: unknown): Promise<void> {
  const response = await records.app.inject({ method, url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  expect(response.statusCode, response.body).toBeLessThan(300);
}

const createOrder = (id: string, total = 0) => write('POST', '/v1/collections/orders/records', { id, data: { total } });
const updateOrder = (id: string, total: number) => write('PATCH', `/v1/collections/orders/records/${id}`, { total });

/** `orders/<id>@<version>` of each event, the order a consumer would see them in. */
const versionsOf = (events: readonly EventEnvelope[]) => events.map((event) => `${event.streamid}@${event.streamversion}`);

async function waitingInOutbox(): Promise<string[]> {
  const { rows } = await records.pool.query<{ envelope: EventEnvelope }>('SELECT envelope FROM outbox ORDER BY position');
  return versionsOf(rows.map((row) => row.envelope));
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}

describe('PostgreSQL outbox relay store', () => {
  it('hands out the oldest events in commit order, and removes them only once publish resolves', async () => {
    await createOrder('fifo-1');
    await createOrder('fifo-2');
    await updateOrder('fifo-1', 10);
    await createOrder('fifo-3');
    await updateOrder('fifo-2', 20);
    const written = ['orders/fifo-1@1', 'orders/fifo-2@1', 'orders/fifo-1@2', 'orders/fifo-3@1', 'orders/fifo-2@2'];
    const relay = relayStore();

    let refused: EventEnvelope[] = [];
    await expect(
      relay.relayBatch(3, async (events) => {
        refused = [...events];
        throw new Error('broker refused the batch');
      }),
    ).rejects.toThrow('broker refused the batch');
    expect(versionsOf(refused)).toEqual(written.slice(0, 3));
    expect(await waitingInOutbox()).toEqual(written);

    const confirmed = deferred();
    let retried: EventEnvelope[] = [];
    const relaying = relay.relayBatch(3, async (events) => {
      retried = [...events];
      await confirmed.promise;
    });
    try {
      await eventually(() => (retried.length > 0 ? true : undefined), { what: 'the batch to be handed out again' });
      expect(retried.map((event) => event.id)).toEqual(refused.map((event) => event.id));
      expect(await waitingInOutbox()).toEqual(written);
    } finally {
      confirmed.resolve();
    }
    expect(await relaying).toBe(3);
    expect(await waitingInOutbox()).toEqual(written.slice(3));

    const rest: EventEnvelope[] = [];
    expect(await relay.relayBatch(10, async (events) => void rest.push(...events))).toBe(2);
    expect(versionsOf(rest)).toEqual(written.slice(3));
    let publishedFromEmpty = false;
    expect(await relay.relayBatch(10, async () => void (publishedFromEmpty = true))).toBe(0);
    expect(publishedFromEmpty).toBe(false);
  });

  it('gives a second relay nothing while the first is publishing', async () => {
    for (const id of ['turn-1', 'turn-2', 'turn-3', 'turn-4']) await createOrder(id);
    const [first, second] = [relayStore(), relayStore()];

    const confirmed = deferred();
    let firstBatch: EventEnvelope[] = [];
    const firstRelaying = first.relayBatch(2, async (events) => {
      firstBatch = [...events];
      await confirmed.promise;
    });
    let secondPublished = false;
    try {
      await eventually(() => (firstBatch.length > 0 ? true : undefined), { what: 'the first relay to be publishing' });
      expect(await second.relayBatch(2, async () => void (secondPublished = true))).toBe(0);
      expect(secondPublished).toBe(false);
    } finally {
      confirmed.resolve();
    }
    expect(await firstRelaying).toBe(2);
    const secondBatch: EventEnvelope[] = [];
    expect(await second.relayBatch(2, async (events) => void secondBatch.push(...events))).toBe(2);
    expect(versionsOf(firstBatch)).toEqual(['orders/turn-1@1', 'orders/turn-2@1']);
    expect(versionsOf(secondBatch)).toEqual(['orders/turn-3@1', 'orders/turn-4@1']);
  });

  it('with two relays draining a backlog and concurrent writes, delivers every event once and each stream in version order', async () => {
    const streams = 6;
    const versions = 8;
    const writeVersions = (from: number, to: number) =>
      Promise.all(
        range(1, streams).map(async (stream) => {
          for (let version = from; version <= to; version += 1) {
            if (version === 1) await createOrder(`busy-${stream}`, 1);
            else await updateOrder(`busy-${stream}`, version);
          }
        }),
      );
    await writeVersions(1, versions / 2);

    const delivered: EventEnvelope[] = [];
    let publishing = 0;
    let overlapped = false;
    const broker: EventPublisher = {
      async publish(events) {
        publishing += 1;
        if (publishing > 1) overlapped = true;
        // Give the other relay a turn while this batch is "on the wire".
        await new Promise((resolve) => setImmediate(resolve));
        delivered.push(...events);
        publishing -= 1;
      },
    };
    const stop = new AbortController();
    const relays = [relayStore(), relayStore()].map((outbox) =>
      relayOutbox({ outbox, publisher: broker, wakeups: listenForWakeups() }, { batchSize: 3, pollIntervalMs: 20, initialBackoffMs: 10, maxBackoffMs: 50 }, stop.signal),
    );

    try {
      await writeVersions(versions / 2 + 1, versions);
      await eventually(() => (delivered.length >= streams * versions ? true : undefined), { what: `${streams * versions} events to be published` });
    } finally {
      stop.abort();
      await Promise.all(relays);
    }

    expect(overlapped).toBe(false);
    expect(delivered).toHaveLength(streams * versions);
    for (const stream of range(1, streams)) {
      const published = delivered.filter((event) => event.streamid === `orders/busy-${stream}`).map((event) => event.streamversion);
      expect(published, `orders/busy-${stream}`).toEqual(range(1, versions));
    }
    expect(await waitingInOutbox()).toEqual([]);
  });

  it('hands out an event whose transaction commits after later ones once it has committed', async () => {
    const relay = relayStore();
    const lateId = `late-${randomUUID()}`;
    const late: EventEnvelope = {
      specversion: '1.0',
      id: randomUUID(),
      source: '/hexbase/records',
      type: 'record.created',
      subject: `orders/${lateId}`,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      dataschema: recordSchemaUri('record.created'),
      data: { collection: 'orders', id: lateId, version: 1, data: {} },
      tenantid: 'default',
      streamid: `orders/${lateId}`,
      streamversion: 1,
    };

    const slow = await records.pool.connect();
    try {
      await slow.query('BEGIN');
      await slow.query('INSERT INTO outbox (event_id, stream_id, envelope) VALUES ($1, $2, $3)', [late.id, late.streamid, JSON.stringify(late)]);
      await createOrder('after-late-1');
      await createOrder('after-late-2');
      const beforeCommit: EventEnvelope[] = [];
      expect(await relay.relayBatch(10, async (events) => void beforeCommit.push(...events))).toBe(2);
      expect(versionsOf(beforeCommit)).toEqual(['orders/after-late-1@1', 'orders/after-late-2@1']);
      await slow.query('COMMIT');
    } catch (error) {
      await slow.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      slow.release();
    }

    const afterCommit: EventEnvelope[] = [];
    expect(await relay.relayBatch(10, async (events) => void afterCommit.push(...events))).toBe(1);
    expect(afterCommit.map((event) => event.id)).toEqual([late.id]);
  });

  it('reports how many events wait and how long the oldest has waited', async () => {
    const relay = relayStore();
    expect(await relay.lag()).toEqual({ pending: 0, oldestAgeSeconds: 0 });

    await createOrder('lag-1');
    await createOrder('lag-2');
    const fresh = await relay.lag();
    expect(fresh.pending).toBe(2);
    expect(fresh.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
    expect(fresh.oldestAgeSeconds).toBeLessThan(60);

    // Given the first event has been waiting for a minute and a half (a broker outage, say).
    await records.pool.query(`UPDATE outbox SET created_at = now() - interval '90 seconds' WHERE stream_id = 'orders/lag-1'`);
    const stale = await relay.lag();
    expect(stale.pending).toBe(2);
    // created_at keeps milliseconds, so the stored time may be rounded up by a fraction of one.
    expect(stale.oldestAgeSeconds).toBeGreaterThan(89.9);
    expect(stale.oldestAgeSeconds).toBeLessThan(150);
  });

  it('wakes a listening relay when a write commits', async () => {
    let wakes = 0;
    const stopListening = await listenForWakeups().listen(() => void (wakes += 1));
    try {
      const beforeWrite = wakes;
      await createOrder('wake-1');
      await eventually(() => (wakes > beforeWrite ? true : undefined), { timeoutMs: 5_000, what: 'a wake-up after the committed write' });
    } finally {
      await stopListening();
    }
  });
});
