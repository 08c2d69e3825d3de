import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@hexbase/contracts';
import { createAmqpConnection, startEventConsumer, type AmqpConnection, type EventConsumer } from '@hexbase/messaging';
import { eventually, startServiceProcess, testServers, uniqueName } from '@hexbase/testing';
import { call, globalLog, startPipeline, type Pipeline } from './support/pipeline';

let pipeline: Pipeline;
let amqp: AmqpConnection;
const consumers: EventConsumer[] = [];
const queues: string[] = [];

beforeAll(async () => {
  pipeline = await startPipeline(testServers(), 'following', { EVENT_STORE_REPLAY_BATCH_SIZE: '3', EVENT_STORE_WATCH_POLL_MS: '60000', LOG_LEVEL: 'info' });
  amqp = createAmqpConnection({ url: testServers().rabbitmqUrl, name: 'following-test' });
  await amqp.waitUntilConnected(10_000);
  expect((await call(pipeline.records, 'POST', '/v1/collections', { name: 'orders', schema: { type: 'object', properties: { total: { type: 'number' } } } })).status).toBe(201);
});

afterAll(async () => {
  for (const consumer of consumers) await consumer.stop();
  const channel = await amqp?.createChannel().catch(() => undefined);
  if (channel && pipeline) {
    for (const queue of [pipeline.eventStoreQueue, ...queues]) {
      for (const name of [queue, `${queue}.retry.1`, `${queue}.retry.2`, `${queue}.dlq`]) await channel.deleteQueue(name).catch(() => undefined);
    }
    await channel.deleteExchange(pipeline.exchange).catch(() => undefined);
  }
  await amqp?.close();
  // close() stops the processes it started; the event store restarted by a test is stopped here.
  await pipeline?.eventStore.stop();
  await pipeline?.close();
});

/** Per stream, how many events and the last version; each event id applied once. */
async function projectingConsumer(bindings: string[]) {
  const queue = uniqueName('following.projection');
  queues.push(queue);
  const seen = new Set<string>();
  const streams = new Map<string, { count: number; lastVersion: number }>();
  const apply = async (event: EventEnvelope) => {
    if (seen.has(event.id)) return;
    seen.add(event.id);
    const current = streams.get(event.streamid) ?? { count: 0, lastVersion: 0 };
    streams.set(event.streamid, { count: current.count + 1, lastVersion: Math.max(current.lastVersion, event.streamversion) });
  };
  consumers.push(await startEventConsumer(amqp, { exchange: pipeline.exchange, queue, bindings, prefetch: 1, retryDelaysMs: [100], deliveryLimit: 10, handler: apply }));
  return { queue, seen, streams };
}

/** Reads a Server-Sent Events response until `until` holds for what arrived. */
async function readEventStream(url: string, headers: Record<string, string>, until: (ids: number[]) => boolean): Promise<Array<{ id: number; event: EventEnvelope }>> {
  const abort = new AbortController();
  const response = await fetch(url, { headers, signal: abort.signal });
  const received: Array<{ id: number; event: EventEnvelope }> = [];
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const chunk of response.body!) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const id = lines.find((line) => line.startsWith('id: '));
      const data = lines.find((line) => line.startsWith('data: '));
      if (id && data) received.push({ id: Number(id.slice(4)), event: JSON.parse(data.slice(6)) });
    }
    if (until(received.map((entry) => entry.id))) break;
  }
  abort.abort();
  return received;
}

describe('following the event store as a client and as a consumer', () => {
  it('streams, long-polls and replays the events of record writes, each once and in order, and the replay rebuilds the live projection', async () => {
    const live = await projectingConsumer(['record.#']);
    const longPoll = call(pipeline.eventStore, 'GET', '/v1/events?after=0&wait=25&collection=orders');
    const streaming = readEventStream(`${pipeline.eventStore.url}/v1/events/stream?collection=orders`, {}, (ids) => ids.length >= 30);
    for (let n = 0; n < 10; n += 1) {
      const created = await call(pipeline.records, 'POST', '/v1/collections/orders/records', { id: `order-${n}`, data: { total: n } });
      expect(created.status).toBe(201);
      for (const total of [n + 100, n + 200]) {
        const patched = await call(pipeline.records, 'PATCH', `/v1/collections/orders/records/order-${n}`, { total }, { 'content-type': 'application/merge-patch+json' });
        expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      }
    }
    const first = await longPoll;
    expect(first.status).toBe(200);
    expect(first.body.items.length).toBeGreaterThan(0);

    const log = await eventually(async () => {
      const events = (await globalLog(pipeline.eventStore)).filter((entry) => entry.event.streamid.startsWith('orders/'));
      return events.length === 30 ? events : undefined;
    }, { timeoutMs: 30_000, what: '30 record events in the event store' });
    const streamed = await streaming;
    expect(streamed.map((entry) => entry.id)).toEqual(log.map((entry) => entry.position));
    expect(streamed.map((entry) => entry.event.id)).toEqual(log.map((entry) => entry.event.id));
    await eventually(() => (live.seen.size === 30 ? true : undefined), { timeoutMs: 30_000, what: 'the live projection' });

    const rebuilt = await projectingConsumer([]);
    const replay = await call(pipeline.eventStore, 'POST', '/v1/admin/replays', { consumer: rebuilt.queue, fromPosition: 1, collection: 'orders' });
    expect(replay.status).toBe(202);
    expect(replay.body.total).toBe(30);
    await eventually(async () => ((await call(pipeline.eventStore, 'GET', replay.headers.get('location')!)).body.status === 'completed' ? true : undefined), { what: 'the replay to complete' });
    await eventually(() => (rebuilt.seen.size === 30 ? true : undefined), { what: 'the rebuilt projection' });
    expect(rebuilt.streams).toEqual(live.streams);
    expect([...rebuilt.streams.values()].every((stream) => stream.count === 3 && stream.lastVersion === 3)).toBe(true);
    expect(pipeline.eventStore.output()).toMatch(/"msg":"replay progress"/);
    expect(pipeline.eventStore.output()).toMatch(/"msg":"replay completed"/);
  });

  it('keeps a named subscription’s checkpoint when the event store process restarts', async () => {
    expect((await call(pipeline.eventStore, 'PUT', '/v1/subscriptions/e2e-indexer', { types: ['record.created'], startPosition: 0 })).status).toBe(201);
    const page = await call(pipeline.eventStore, 'GET', '/v1/subscriptions/e2e-indexer/events?limit=4');
    expect(page.body.items).toHaveLength(4);
    expect((await call(pipeline.eventStore, 'POST', '/v1/subscriptions/e2e-indexer/ack', { position: page.body.lastPosition })).status).toBe(200);

    await pipeline.eventStore.stop();
    pipeline.eventStore = await startServiceProcess({ entry: 'services/event-store/src/main.ts', port: Number(pipeline.env.EVENT_STORE_PORT), env: pipeline.env });

    const after = await call(pipeline.eventStore, 'GET', '/v1/subscriptions/e2e-indexer/events?limit=100');
    expect(after.body.checkpoint).toBe(page.body.lastPosition);
    expect(after.body.items.map((item: { event: EventEnvelope }) => item.event.type)).toEqual(Array(6).fill('record.created'));
    expect(after.body.items[0].position).toBeGreaterThan(page.body.lastPosition);
  });
});
