import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@hexbase/contracts';
import { eventually, testServers, uniqueName } from '@hexbase/testing';
import { createAmqpConnection, type AmqpConnection } from './amqp-connection';
import { createAmqpPublisher, type AmqpPublisher } from './amqp-publisher';
import { startEventConsumer, type EventConsumer } from './event-consumer';
import { declareEventExchange } from './event-exchange';
import { CLOUDEVENTS_CONTENT_TYPE } from './message-headers';
import { deleteTopology, sampleEvent } from './test-support';

describe('AMQP publisher', () => {
  const exchange = uniqueName('publisher_events');
  const consumerQueue = uniqueName('publisher_consumer');
  const tapQueue = uniqueName('publisher_tap');
  let connection: AmqpConnection;
  let publisher: AmqpPublisher;
  let consumer: EventConsumer;
  const received: Array<{ event: EventEnvelope; attempt: number; redelivered: boolean }> = [];

  beforeAll(async () => {
    connection = createAmqpConnection({ url: testServers().rabbitmqUrl, name: 'publisher-test' });
    await connection.waitUntilConnected(10_000);
    publisher = createAmqpPublisher(connection, { exchange });
    consumer = await startEventConsumer(connection, {
      exchange,
      queue: consumerQueue,
      bindings: ['record.created.acme.*'],
      prefetch: 10,
      retryDelaysMs: [100],
      deliveryLimit: 5,
      handler: async (event, context) => {
        received.push({ event, ...context });
      },
    });
    const channel = await connection.createChannel();
    await declareEventExchange(channel, exchange);
    await channel.assertQueue(tapQueue, { durable: true, arguments: { 'x-queue-type': 'classic' } });
    await channel.bindQueue(tapQueue, exchange, 'record.*.tap.*');
    await channel.close();
  });

  afterAll(async () => {
    await consumer?.stop();
    await publisher?.close();
    if (connection?.isConnected()) await deleteTopology(connection, { queues: [{ queue: consumerQueue, retries: 1 }], plainQueues: [tapQueue], exchanges: [exchange] });
    await connection?.close();
  });

  it('delivers an event to a consumer with every envelope attribute intact', async () => {
    const event = sampleEvent({ correlationid: 'corr-1', causationid: 'cause-1', traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' });

    await publisher.publish([event]);

    const delivery = await eventually(() => received.find((entry) => entry.event.id === event.id), { what: 'the event at the consumer' });
    expect(delivery.event).toEqual(event);
    expect(delivery).toMatchObject({ attempt: 1, redelivered: false });
  });

  it('writes the CloudEvents AMQP binding: content type, message id, type, timestamp and headers', async () => {
    const event = sampleEvent({ tenantid: 'tap', subject: 'invoices/7', correlationid: 'corr-2', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });

    await publisher.publish([event]);

    const channel = await connection.createChannel();
    const message = await eventually(async () => (await channel.get(tapQueue, { noAck: true })) || undefined, { what: 'the tapped message' });
    await channel.close();
    expect(message.fields.routingKey).toBe('record.created.tap.invoices');
    expect(message.properties).toMatchObject({
      contentType: CLOUDEVENTS_CONTENT_TYPE,
      messageId: event.id,
      type: 'record.created',
      deliveryMode: 2,
      timestamp: Math.floor(Date.parse(event.time) / 1000),
      correlationId: 'corr-2',
      headers: { tenantid: 'tap', correlationid: 'corr-2', traceparent: event.traceparent },
    });
    expect(JSON.parse(message.content.toString('utf8'))).toEqual(event);
  });

  it('rejects an event no queue is bound for, instead of dropping it', async () => {
    const unroutable = sampleEvent({ type: 'nobody.listens' });

    await expect(publisher.publish([unroutable])).rejects.toMatchObject({ code: 'EVENT_UNROUTABLE', kind: 'unavailable' });
  });

  it('rejects the whole batch when one event in it is unroutable, and still delivers the routable ones', async () => {
    const routable = sampleEvent();

    await expect(publisher.publish([routable, sampleEvent({ type: 'nobody.listens' })])).rejects.toMatchObject({ code: 'EVENT_UNROUTABLE' });

    await eventually(() => received.find((entry) => entry.event.id === routable.id), { what: 'the routable event' });
  });

  it('pipelines a large batch and delivers it in order', async () => {
    const batch = Array.from({ length: 2000 }, (_, index) => sampleEvent({ tenantid: 'tap', streamversion: index + 1 }));

    await publisher.publish(batch);

    const channel = await connection.createChannel();
    const ids: string[] = [];
    await eventually(
      async () => {
        for (;;) {
          const message = await channel.get(tapQueue, { noAck: true });
          if (!message) break;
          ids.push(message.properties.messageId as string);
        }
        return ids.length >= batch.length ? true : undefined;
      },
      { what: 'the whole batch in the tap queue' },
    );
    await channel.close();
    expect(ids).toEqual(batch.map((event) => event.id));
  });

  it('rejects fast, without waiting for a broker, when disconnected', async () => {
    const nowhere = createAmqpConnection({ url: 'amqp://guest:guest@127.0.0.1:1', name: 'publisher-test-nowhere' });
    const offline = createAmqpPublisher(nowhere, { exchange });
    try {
      const startedAt = Date.now();
      await expect(offline.publish([sampleEvent()])).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE', kind: 'unavailable' });
      expect(Date.now() - startedAt).toBeLessThan(1000);
    } finally {
      await nowhere.close();
    }
  });
});
