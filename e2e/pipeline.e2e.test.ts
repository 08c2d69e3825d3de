import { randomUUID } from 'node:crypto';
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSchemaUri, routingKeyFor, type EventEnvelope } from '@hexbase/contracts';
import { createAmqpConnection, createAmqpPublisher, listDeadLetters, type AmqpConnection } from '@hexbase/messaging';
import { eventually, testServers, uniqueName, whileBrokerIsDown } from '@hexbase/testing';
import { call, globalLog, startPipeline, type Pipeline } from './support/pipeline';

let pipeline: Pipeline;
let amqp: AmqpConnection;

beforeAll(async () => {
  pipeline = await startPipeline(testServers(), 'pipeline');
  amqp = createAmqpConnection({ url: testServers().rabbitmqUrl, name: 'pipeline-test' });
  await amqp.waitUntilConnected(10_000);
  const created = await call(pipeline.records, 'POST', '/v1/collections', { name: 'orders', schema: { type: 'object', properties: { total: { type: 'number' } } } });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  const channel = await amqp?.createChannel().catch(() => undefined);
  if (channel && pipeline) {
    for (const queue of [pipeline.eventStoreQueue, `${pipeline.eventStoreQueue}.retry.1`, `${pipeline.eventStoreQueue}.retry.2`, `${pipeline.eventStoreQueue}.dlq`]) await channel.deleteQueue(queue).catch(() => undefined);
    await channel.deleteExchange(pipeline.exchange).catch(() => undefined);
  }
  await amqp?.close();
  await pipeline?.close();
});

async function createOrders(count: number, label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < count; n += 1) {
    const response = await call(pipeline.records, 'POST', '/v1/collections/orders/records', { id: `${label}-${n}`, data: { total: n } });
    expect(response.status).toBe(201);
    ids.push(response.body.id);
  }
  return ids;
}

/** Waits until the event store holds a created event for each id, and returns the log. */
async function eventStoreHolds(ids: string[]) {
  return eventually(async () => {
    const log = await globalLog(pipeline.eventStore);
    const created = new Set(log.filter((entry) => entry.event.type === 'record.created').map((entry) => entry.event.streamid));
    return ids.every((id) => created.has(`orders/${id}`)) ? log : undefined;
  }, { timeoutMs: 30_000, what: `${ids.length} records in the event store` });
}

function expectEachEventOnce(log: Array<{ position: number; event: { id: string } }>) {
  expect(new Set(log.map((entry) => entry.event.id)).size).toBe(log.length);
  expect(log.map((entry) => entry.position)).toEqual(log.map((_, index) => index + 1));
}

describe('the durable event pipeline', () => {
  it('turns every committed change of a record into one event in the event store, in version order', async () => {
    const created = await call(pipeline.records, 'POST', '/v1/collections/orders/records', { data: { total: 10 } });
    const url = `/v1/collections/orders/records/${created.body.id}`;
    await call(pipeline.records, 'PATCH', url, { total: 11 });
    await call(pipeline.records, 'PATCH', url, { total: 12 });
    await call(pipeline.records, 'DELETE', url);
    const stream = await eventually(async () => {
      const response = await call(pipeline.eventStore, 'GET', `/v1/streams/${encodeURIComponent(`orders/${created.body.id}`)}/events`);
      return response.status === 200 && response.body.items.length === 4 ? response.body.items : undefined;
    });
    expect(stream.map((item: { event: EventEnvelope }) => [item.event.type, item.event.streamversion])).toEqual([
      ['record.created', 1],
      ['record.updated', 2],
      ['record.updated', 3],
      ['record.deleted', 4],
    ]);
    expect(stream[2].event.data).toMatchObject({ data: { total: 12 }, previous: { total: 11 }, changedFields: ['total'] });
    expect(stream[0].event).toMatchObject({ specversion: '1.0', source: '/hexbase/records', tenantid: 'default', subject: `orders/${created.body.id}` });
    expect(stream[0].event.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  });

  it('accepts writes while RabbitMQ is down and delivers every event once when it returns', async () => {
    const ids = await whileBrokerIsDown(testServers().rabbitmqUrl, async () => {
      const written = await createOrders(20, 'outage');
      const pending = await pipeline.sql.query<{ n: string }>('SELECT count(*) AS n FROM records.outbox');
      expect(Number(pending.rows[0]!.n)).toBeGreaterThanOrEqual(20);
      return written;
    });
    const log = await eventStoreHolds(ids);
    expectEachEventOnce(log);
    await eventually(async () => ((await pipeline.sql.query('SELECT 1 FROM records.outbox LIMIT 1')).rowCount === 0 ? true : undefined));
    await amqp.waitUntilConnected(30_000);
  });

  it('stores each event once when a relay published a batch and died before marking it', async () => {
    await pipeline.relay.stop('SIGKILL');
    const ids = await createOrders(10, 'crash');
    const spyQueue = uniqueName('spy');
    const channel = await amqp.createChannel();
    await channel.assertQueue(spyQueue, { exclusive: true });
    await channel.bindQueue(spyQueue, pipeline.exchange, 'record.created.#');

    // What the dead relay managed to do: publish the whole batch, without deleting it from the outbox.
    const { rows } = await pipeline.sql.query<{ envelope: EventEnvelope }>('SELECT envelope FROM records.outbox ORDER BY position');
    const publisher = createAmqpPublisher(amqp, { exchange: pipeline.exchange });
    await publisher.publish(rows.map((row) => row.envelope));
    await publisher.close();

    await pipeline.startRelay();
    const deliveries = await eventually(async () => {
      const { messageCount } = await channel.checkQueue(spyQueue);
      return messageCount >= 2 * ids.length ? messageCount : undefined;
    });
    expect(deliveries).toBe(2 * ids.length);
    await channel.deleteQueue(spyQueue);
    await channel.close();
    const log = await eventStoreHolds(ids);
    expectEachEventOnce(log);
  });

  it('never skips an event whose transaction commits after later ones', async () => {
    const slowId = `slow-${randomUUID()}`;
    const slowEvent: EventEnvelope = {
      specversion: '1.0',
      id: randomUUID(),
      source: '/hexbase/records',
      type: 'record.created',
      subject: `orders/${slowId}`,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      dataschema: recordSchemaUri('record.created'),
      data: { collection: 'orders', id: slowId, version: 1, data: {} },
      tenantid: 'default',
      streamid: `orders/${slowId}`,
      streamversion: 1,
    };
    const slow = await pipeline.sql.connect();
    try {
      await slow.query('BEGIN');
      await slow.query('INSERT INTO records.outbox (event_id, stream_id, envelope) VALUES ($1, $2, $3)', [slowEvent.id, slowEvent.streamid, JSON.stringify(slowEvent)]);
      const later = await createOrders(5, 'after-slow');
      await eventStoreHolds(later);
      await slow.query('COMMIT');
    } finally {
      slow.release();
    }
    const log = await eventStoreHolds([slowId]);
    expectEachEventOnce(log);
  });

  it('dead-letters a poison message after its retries while the queue keeps flowing', async () => {
    const connection = await amqplib.connect(testServers().rabbitmqUrl);
    const channel = await connection.createConfirmChannel();
    channel.publish(pipeline.exchange, 'record.created.default.orders', Buffer.from('{not json'), { persistent: true, contentType: 'application/cloudevents+json' });
    await channel.waitForConfirms();
    await connection.close();

    // A version that can never follow: retried (the gap might fill), then dead-lettered.
    const gapId = randomUUID();
    const publisher = createAmqpPublisher(amqp, { exchange: pipeline.exchange });
    const gapEvent: EventEnvelope = {
      specversion: '1.0',
      id: randomUUID(),
      source: '/test',
      type: 'record.updated',
      subject: `orders/${gapId}`,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      dataschema: recordSchemaUri('record.updated'),
      data: {},
      tenantid: 'default',
      streamid: `orders/${gapId}`,
      streamversion: 5,
    };
    expect(routingKeyFor(gapEvent)).toBe('record.updated.default.orders');
    await publisher.publish([gapEvent]);
    await publisher.close();
    const flowing = await createOrders(3, 'behind-poison');
    await eventStoreHolds(flowing);

    const deadLetters = await eventually(async () => {
      const letters = await listDeadLetters(amqp, pipeline.eventStoreQueue, { limit: 10 });
      return letters.length >= 2 ? letters : undefined;
    });
    expect(deadLetters.map((letter) => letter.event?.id ?? 'malformed').sort()).toEqual([gapEvent.id, 'malformed'].sort());
    const gapLetter = deadLetters.find((letter) => letter.event?.id === gapEvent.id)!;
    expect(gapLetter.attempts).toBe(3);
    const log = await globalLog(pipeline.eventStore);
    expect(log.some((entry) => entry.event.streamid === `orders/${gapId}`)).toBe(false);
  });
});
