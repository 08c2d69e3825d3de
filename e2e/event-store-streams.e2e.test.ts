import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@hexbase/contracts';
import { createAmqpConnection, type AmqpConnection } from '@hexbase/messaging';
import { eventually, startServiceProcess, testServers, uniqueName } from '@hexbase/testing';
import { call, startPipeline, type Pipeline } from './support/pipeline';

let pipeline: Pipeline;
let amqp: AmqpConnection;

beforeAll(async () => {
  pipeline = await startPipeline(testServers(), 'streams', { EVENT_STORE_CONSISTENCY_WAIT_MS: '5000', EVENT_STORE_TIMEOUT_MS: '8000', EVENT_STORE_RELAY_POLL_INTERVAL_MS: '200' });
  amqp = createAmqpConnection({ url: testServers().rabbitmqUrl, name: 'streams-test' });
  await amqp.waitUntilConnected(10_000);
  const created = await call(pipeline.records, 'POST', '/v1/collections', { name: 'notes', schema: { type: 'object' } });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  const channel = await amqp?.createChannel().catch(() => undefined);
  if (channel && pipeline) {
    const queue = pipeline.eventStoreQueue;
    for (const name of [queue, `${queue}.retry.1`, `${queue}.retry.2`, `${queue}.dlq`]) await channel.deleteQueue(name).catch(() => undefined);
    await channel.deleteExchange(pipeline.exchange).catch(() => undefined);
  }
  await amqp?.close();
  // close() stops the processes it started; an event store restarted by a test is stopped here.
  await pipeline?.eventStore.stop();
  await pipeline?.close();
});

async function intakeHandled(): Promise<number> {
  const response = await fetch(`${pipeline.eventStore.url}/metrics`);
  const match = /^hexbase_consumer_messages_total\{[^}]*outcome="ok"[^}]*\} (\d+)/m.exec(await response.text());
  return Number(match?.[1] ?? 0);
}

const streamPath = (streamId: string, suffix = 'events') => `/v1/streams/${encodeURIComponent(streamId)}/${suffix}`;

describe('events appended through the event store API', () => {
  it('reach the bus as CloudEvents, and the intake recognises them as already stored', async () => {
    const channel = await amqp.createChannel();
    const spy = uniqueName('spy');
    await channel.assertQueue(spy, { exclusive: true });
    await channel.bindQueue(spy, pipeline.exchange, 'order.#');
    const handledBefore = await intakeHandled();

    const events = [
      { id: randomUUID(), type: 'order.placed', data: { total: 30 } },
      { id: randomUUID(), type: 'order.paid', data: { amount: 30 } },
      { id: randomUUID(), type: 'order.shipped', data: {} },
    ];
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const appended = await call(pipeline.eventStore, 'POST', streamPath('order-e2e-1'), { expectedVersion: 'no_stream', events }, { traceparent, 'x-hexbase-tenant': 'acme' });
    expect(appended.status).toBe(201);
    const retried = await call(pipeline.eventStore, 'POST', streamPath('order-e2e-1'), { expectedVersion: 'no_stream', events }, { 'x-hexbase-tenant': 'acme' });
    expect(retried.body).toEqual(appended.body);

    const received: EventEnvelope[] = [];
    await eventually(
      async () => {
        const message = await channel.get(spy, { noAck: true });
        if (message) received.push(JSON.parse(message.content.toString()) as EventEnvelope);
        return received.length >= events.length ? true : undefined;
      },
      { timeoutMs: 20_000, what: 'the appended events on the bus' },
    );
    expect(received.map((event) => event.id)).toEqual(events.map((event) => event.id));
    expect(received[0]).toMatchObject({ specversion: '1.0', source: '/hexbase/event-store', type: 'order.placed', subject: 'order-e2e-1', streamid: 'order-e2e-1', streamversion: 1, tenantid: 'acme', data: { total: 30 } });
    expect(received[0]!.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);

    // The intake got the same three events back from its own queue and acknowledged them as duplicates.
    await eventually(async () => ((await intakeHandled()) >= handledBefore + events.length ? true : undefined), { timeoutMs: 20_000, what: 'the intake to handle the appended events' });
    const log = await eventually(async () => {
      const response = await call(pipeline.eventStore, 'GET', '/v1/events?after=0&limit=1000', undefined, { 'x-hexbase-tenant': 'acme' });
      return response.status === 200 ? (response.body.items as Array<{ position: number; event: EventEnvelope }>) : undefined;
    });
    expect(log.filter((entry) => entry.event.streamid === 'order-e2e-1').map((entry) => entry.event.id)).toEqual(events.map((event) => event.id));
    expect(new Set(log.map((entry) => entry.event.id)).size).toBe(log.length);
    expect((await channel.checkQueue(`${pipeline.eventStoreQueue}.dlq`)).messageCount).toBe(0);
    expect(Number((await pipeline.sql.query<{ n: string }>('SELECT count(*) AS n FROM event_store.outbox')).rows[0]!.n)).toBe(0);
    await channel.deleteQueue(spy);
    await channel.close();
  });
});

type RecordBody = { id: string; version: number; createdAt: string; updatedAt: string; deletedAt: string | null; data: Record<string, unknown> };

const value = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.constantFrom('a', 'b'), fc.boolean(), fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 2 }));
const field = fc.constantFrom('title', 'done', 'size', 'tags');
const command = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(field, fc.oneof(value, fc.constant(null)), { minKeys: 1, maxKeys: 3 }).map((patch) => ({ op: 'patch' as const, patch })) },
  { weight: 2, arbitrary: fc.dictionary(field, value, { maxKeys: 3 }).map((data) => ({ op: 'replace' as const, data })) },
  { weight: 1, arbitrary: fc.constant({ op: 'delete' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'restore' as const }) },
);

type Command = typeof command extends fc.Arbitrary<infer T> ? T : never;

/** Runs one command against the records API; answers what the records service returned, or undefined when it refused (a deleted record). */
async function run(id: string, step: Command): Promise<RecordBody | undefined> {
  const url = `/v1/collections/notes/records/${id}`;
  const response =
    step.op === 'patch'
      ? await call(pipeline.records, 'PATCH', url, step.patch)
      : step.op === 'replace'
        ? await call(pipeline.records, 'PUT', url, { data: step.data })
        : step.op === 'delete'
          ? await call(pipeline.records, 'DELETE', url)
          : await call(pipeline.records, 'POST', `${url}/restore`);
  if (response.status === 409 && response.body.code === 'RECORD_DELETED') return undefined;
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as RecordBody;
}

describe('time travel through the records API', () => {
  it('answers, for random histories, the state the records service returned at that time', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(field, value, { maxKeys: 3 }), fc.array(command, { minLength: 1, maxLength: 8 }), async (initial, commands) => {
        const id = uniqueName('note');
        const created = await call(pipeline.records, 'POST', '/v1/collections/notes/records', { id, data: initial });
        expect(created.status).toBe(201);
        // Every answer the records service gave, in order: what a read returned from then on.
        const answers: RecordBody[] = [created.body as RecordBody];
        for (const step of commands) {
          const answer = await run(id, step);
          if (answer) answers.push(answer);
        }
        const url = `/v1/collections/notes/records/${id}`;
        const latestAt = (time: number) => answers.filter((answer) => Date.parse(answer.updatedAt) <= time).reduce((latest, answer) => (answer.version >= latest.version ? answer : latest));

        for (const answer of answers) {
          expect((await call(pipeline.records, 'GET', `${url}?atVersion=${answer.version}&includeDeleted=true`)).body).toEqual(answer);
          const at = Date.parse(answer.updatedAt);
          for (const time of [at, at + 1]) {
            const expected = latestAt(time);
            const asOf = await call(pipeline.records, 'GET', `${url}?asOf=${new Date(time).toISOString()}&includeDeleted=true`);
            expect(asOf.body).toEqual(expected);
            const plain = await call(pipeline.records, 'GET', `${url}?asOf=${new Date(time).toISOString()}`);
            expect(plain.status).toBe(expected.deletedAt ? 404 : 200);
          }
        }
        const before = await call(pipeline.records, 'GET', `${url}?asOf=${new Date(Date.parse(created.body.createdAt) - 1).toISOString()}&includeDeleted=true`);
        expect(before.body).toMatchObject({ status: 404, code: 'RECORD_NOT_FOUND' });

        const last = answers.at(-1)!;
        const history = await call(pipeline.records, 'GET', `${url}/history`);
        expect(history.body.items.map((item: { version: number }) => item.version)).toEqual(Array.from({ length: last.version }, (_, index) => index + 1));
        if (!last.deletedAt) {
          const target = answers[Math.floor(answers.length / 2)]!;
          const reverted = await call(pipeline.records, 'POST', `${url}/revert`, { version: target.version }, { 'if-match': `"${last.version}"` });
          expect(reverted.status, JSON.stringify(reverted.body)).toBe(200);
          expect(reverted.body.data).toEqual(target.data);
          expect(reverted.body.version).toBe(JSON.stringify(target.data) === JSON.stringify(last.data) ? last.version : last.version + 1);
        }
      }),
      { seed: 4242, numRuns: 6 },
    );
  });

  it('answers a fast 503 with Retry-After while the event store is down, and recovers when it is back', async () => {
    const created = await call(pipeline.records, 'POST', '/v1/collections/notes/records', { id: 'outage', data: { title: 'kept' } });
    expect(created.status).toBe(201);
    const url = '/v1/collections/notes/records/outage';
    await eventually(async () => ((await call(pipeline.records, 'GET', `${url}?atVersion=1`)).status === 200 ? true : undefined), { what: 'the record in the event store' });

    const port = Number(new URL(pipeline.eventStore.url).port);
    await pipeline.eventStore.stop();
    for (const path of [`${url}?atVersion=1`, `${url}?asOf=${new Date().toISOString()}`, `${url}/history`, `${url}?atVersion=1`, `${url}/history`, `${url}?atVersion=1`]) {
      const started = Date.now();
      const answer = await call(pipeline.records, 'GET', path);
      expect(answer.status).toBe(503);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Date.now() - started).toBeLessThan(1000);
    }
    expect((await call(pipeline.records, 'GET', url)).body).toMatchObject({ data: { title: 'kept' } });

    pipeline.eventStore = await startServiceProcess({ entry: 'services/event-store/src/main.ts', port, env: pipeline.env });
    await eventually(async () => ((await call(pipeline.records, 'GET', `${url}?atVersion=1`)).status === 200 ? true : undefined), { timeoutMs: 30_000, intervalMs: 500, what: 'time travel to work again' });
  });
});

