import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSchemaUri, type EventEnvelope } from '@hexbase/contracts';
import { createAmqpConnection, createAmqpPublisher, type AmqpConnection } from '@hexbase/messaging';
import { eventually, startServiceProcess, testServers, type ServiceProcess } from '@hexbase/testing';
import { call, startPipeline, type Pipeline } from './support/pipeline';

const RELAY_ENTRY = 'services/records/src/relay-main.ts';
const EVENT_STORE_ENTRY = 'services/event-store/src/main.ts';
const SEARCH_ENTRY = 'services/search/src/main.ts';

let pipeline: Pipeline;
let amqp: AmqpConnection;
/** The processes of the pipeline as they are now: the tests stop and restart them. */
let records: ServiceProcess;
let eventStore: ServiceProcess;
let search: ServiceProcess;

beforeAll(async () => {
  // A short drain after SIGTERM: long enough to watch readiness turn to 503 while requests are still served.
  pipeline = await startPipeline(testServers(), 'graceful', { SHUTDOWN_DRAIN_MS: '1000' }, { search: true });
  records = pipeline.records;
  eventStore = pipeline.eventStore;
  search = pipeline.search!;
  amqp = createAmqpConnection({ url: testServers().rabbitmqUrl, name: 'graceful-shutdown-test' });
  await amqp.waitUntilConnected(10_000);
  const created = await call(records, 'POST', '/v1/collections', { name: 'orders', schema: { type: 'object' } });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await Promise.all([records?.stop(), eventStore?.stop(), search?.stop()]);
  const channel = await amqp?.createChannel().catch(() => undefined);
  if (channel && pipeline) {
    for (const consumer of [pipeline.eventStoreQueue, pipeline.searchQueue]) {
      for (const queue of [consumer, `${consumer}.retry.1`, `${consumer}.retry.2`, `${consumer}.retry.3`, `${consumer}.dlq`]) await channel.deleteQueue(queue).catch(() => undefined);
    }
    await channel.deleteExchange(pipeline.exchange).catch(() => undefined);
  }
  await amqp?.close();
  await pipeline?.close();
});

function restart(entry: string, portVariable: string, env: Record<string, string> = {}): Promise<ServiceProcess> {
  return startServiceProcess({ entry, port: Number(pipeline.env[portVariable]), env: { ...pipeline.env, ...env } });
}

/** Sends SIGTERM, checks that readiness turns to 503 while the process drains, and resolves with its exit code. */
async function terminateWhileWatchingReadiness(service: ServiceProcess): Promise<number | null> {
  const exited = service.stop('SIGTERM');
  await eventually(async () => ((await fetch(`${service.url}/health/ready`)).status === 503 ? true : undefined), {
    timeoutMs: 4_000,
    intervalMs: 20,
    what: `${service.url} to report draining on /health/ready`,
  });
  return exited;
}

async function sqlCount(query: string, params: unknown[] = []): Promise<number> {
  return Number((await pipeline.sql.query<{ n: string }>(query, params)).rows[0]!.n);
}

const outboxCount = () => sqlCount('SELECT count(*) AS n FROM records.outbox');

/** Creates orders `<label>-0`... through the bulk API, 500 to a request. */
async function createOrders(label: string, count: number): Promise<void> {
  for (let first = 0; first < count; first += 500) {
    const operations = Array.from({ length: Math.min(500, count - first) }, (_, index) => ({ op: 'create', id: `${label}-${first + index}`, data: { total: index } }));
    const written = await call(records, 'POST', '/v1/collections/orders/records/bulk', { operations });
    expect(written.status).toBe(200);
  }
}

/** Waits until the event store holds each of these event ids, and checks each is there once. */
async function eventStoreHoldsOnce(eventIds: string[], what: string): Promise<void> {
  await eventually(async () => ((await sqlCount('SELECT count(*) AS n FROM event_store.events WHERE event_id = ANY($1::uuid[])', [eventIds])) === eventIds.length ? true : undefined), {
    timeoutMs: 30_000,
    what,
  });
  const { rows } = await pipeline.sql.query<{ event_id: string; copies: string }>(
    'SELECT event_id, count(*) AS copies FROM event_store.events WHERE event_id = ANY($1::uuid[]) GROUP BY event_id HAVING count(*) <> 1',
    [eventIds],
  );
  expect(rows).toEqual([]);
}

/** The global log has no holes and no repeats: positions are exactly 1..n. */
async function expectContiguousLog(): Promise<void> {
  const { rows } = await pipeline.sql.query<{ position: string }>('SELECT position FROM event_store.events ORDER BY position');
  expect(rows.map((row) => Number(row.position))).toEqual(rows.map((_, index) => index + 1));
}

interface Attempt {
  id: string;
  /** The HTTP status, or `refused` when no answer came (connection refused or reset). */
  outcome: number | 'refused';
}

/** Workers that create orders back to back until the server stops answering. */
function steadyWrites(label: string, workers: number) {
  const attempts: Attempt[] = [];
  const done = Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      for (let n = 0; ; n += 1) {
        const id = `${label}-${worker}-${n}`;
        try {
          const response = await fetch(`${records.url}/v1/collections/orders/records`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ id, data: { total: n } }),
          });
          await response.arrayBuffer();
          attempts.push({ id, outcome: response.status });
        } catch {
          attempts.push({ id, outcome: 'refused' });
          return;
        }
      }
    }),
  );
  return { attempts, done, accepted: () => attempts.filter((attempt) => attempt.outcome === 201).map((attempt) => attempt.id) };
}

/** `record.created` events of new orders, as the records relay would publish them. */
function orderEvents(count: number, label: string): EventEnvelope[] {
  return Array.from({ length: count }, (): EventEnvelope => {
    const id = `${label}-${randomUUID()}`;
    return {
      specversion: '1.0',
      id: randomUUID(),
      source: '/hexbase/records',
      type: 'record.created',
      subject: `orders/${id}`,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      dataschema: recordSchemaUri('record.created'),
      data: { collection: 'orders', id, version: 1, data: { label } },
      tenantid: 'default',
      streamid: `orders/${id}`,
      streamversion: 1,
    };
  });
}

async function publish(events: EventEnvelope[]): Promise<void> {
  const publisher = createAmqpPublisher(amqp, { exchange: pipeline.exchange });
  await publisher.publish(events);
  await publisher.close();
}

describe('graceful shutdown under load', () => {
  it('records-relay: SIGTERM mid-drain exits 0, and after a restart every event reaches the event store once', async () => {
    expect(await pipeline.relay.stop('SIGTERM')).toBe(0);
    await createOrders('backlog', 500);
    const { rows } = await pipeline.sql.query<{ id: string }>("SELECT envelope->>'id' AS id FROM records.outbox WHERE stream_id LIKE 'orders/backlog-%'");
    const backlog = rows.map((row) => row.id);
    expect(backlog).toHaveLength(500);

    // One event to a batch, so that the backlog takes hundreds of batches to drain.
    const relay = await restart(RELAY_ENTRY, 'RECORDS_RELAY_PORT', { RECORDS_RELAY_BATCH_SIZE: '1' });
    await eventually(async () => ((await outboxCount()) < backlog.length ? true : undefined), { intervalMs: 5, what: 'the relay to start draining' });
    expect(await relay.stop('SIGTERM')).toBe(0);
    expect(await outboxCount()).toBeGreaterThan(0);

    await pipeline.startRelay();
    await eventStoreHoldsOnce(backlog, 'the whole backlog in the event store');
    await eventually(async () => ((await outboxCount()) === 0 ? true : undefined), { what: 'an empty outbox' });
    await expectContiguousLog();
  });

  it('event-store: SIGTERM while consuming exits 0, and after a restart nothing is lost or stored twice', async () => {
    const events = orderEvents(500, 'consumed');
    const eventIds = events.map((event) => event.id);
    await publish(events);

    const storedCount = () => sqlCount('SELECT count(*) AS n FROM event_store.events WHERE event_id = ANY($1::uuid[])', [eventIds]);
    await eventually(async () => ((await storedCount()) > 0 ? true : undefined), { intervalMs: 5, what: 'the event store to be consuming' });
    expect(await terminateWhileWatchingReadiness(eventStore)).toBe(0);
    expect(await storedCount()).toBeLessThan(events.length);

    eventStore = await restart(EVENT_STORE_ENTRY, 'EVENT_STORE_PORT');
    await eventStoreHoldsOnce(eventIds, `all ${events.length} published events in the event store`);
    await expectContiguousLog();
  });

  it('search: SIGTERM while indexing exits 0, and after a restart every record is indexed', async () => {
    const events = orderEvents(500, 'indexed');
    const recordIds = events.map((event) => (event.data as { id: string }).id);
    const indexedCount = () => sqlCount('SELECT count(DISTINCT record_id) AS n FROM search.documents WHERE record_id = ANY($1::text[])', [recordIds]);
    await publish(events);
    await eventually(async () => ((await indexedCount()) > 0 ? true : undefined), { intervalMs: 5, what: 'search to be indexing' });
    expect(await terminateWhileWatchingReadiness(search)).toBe(0);
    expect(await indexedCount()).toBeLessThan(events.length);

    search = await restart(SEARCH_ENTRY, 'SEARCH_PORT');
    await eventually(async () => ((await indexedCount()) === events.length ? true : undefined), { timeoutMs: 30_000, what: `all ${events.length} records in the search index` });
    expect(await sqlCount('SELECT count(*) AS n FROM search.documents WHERE record_id = ANY($1::text[]) AND version <> 1', [recordIds])).toBe(0);
  });

  it('records: SIGTERM during steady writes loses no accepted write and half-writes nothing', async () => {
    const load = steadyWrites('sigterm', 8);
    await eventually(() => (load.accepted().length >= 50 ? true : undefined), { what: '50 accepted writes before SIGTERM' });
    const acceptedBeforeSigterm = load.accepted().length;

    expect(await terminateWhileWatchingReadiness(records)).toBe(0);
    await load.done;

    // 201 while serving and draining; 503 only for requests that reached it as it closed; then refused.
    const outcomes = new Set(load.attempts.map((attempt) => attempt.outcome));
    expect([...outcomes].filter((outcome) => outcome !== 201 && outcome !== 503 && outcome !== 'refused')).toEqual([]);
    expect(load.accepted().length).toBeGreaterThan(acceptedBeforeSigterm);
    const accepted = load.accepted();

    // Every accepted write is stored, and nothing that was not accepted is.
    const { rows } = await pipeline.sql.query<{ id: string }>("SELECT id FROM records.records WHERE collection = 'orders' AND id LIKE 'sigterm-%'");
    expect(rows.map((row) => row.id).sort()).toEqual([...accepted].sort());
    const streams = accepted.map((id) => `orders/${id}`);
    await eventually(
      async () => ((await sqlCount("SELECT count(*) AS n FROM event_store.events WHERE type = 'record.created' AND stream_id = ANY($1::text[])", [streams])) === accepted.length ? true : undefined),
      { timeoutMs: 30_000, what: `the ${accepted.length} accepted writes in the event store` },
    );
    await expectContiguousLog();
  });
});
