import amqplib from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, startBroker, stopBroker, testServers, uniqueName } from '@hexbase/testing';
import { createAmqpConnection, type AmqpConnection, type ConnectionState } from './amqp-connection';
import { createAmqpPublisher, type AmqpPublisher } from './amqp-publisher';
import { startEventConsumer, type EventConsumer } from './event-consumer';
import { deleteTopology, sampleEvent } from './test-support';

/** True once the broker completes an AMQP handshake (TCP alone answers before the app is up). */
async function brokerAcceptsConnections(url: string): Promise<true | undefined> {
  try {
    const probe = await amqplib.connect(url, { timeout: 2000 });
    await probe.close();
    return true;
  } catch {
    return undefined;
  }
}

describe('broker restart', () => {
  const url = testServers().rabbitmqUrl;
  const exchange = uniqueName('restart_events');
  const queue = uniqueName('restart_consumer');
  const tenant = queue;
  const states: ConnectionState[] = [];
  const received: string[] = [];
  let connection: AmqpConnection | undefined;
  let publisher: AmqpPublisher | undefined;
  let consumer: EventConsumer | undefined;

  afterAll(async () => {
    // Whatever happened above, the next test run must find the broker up.
    if (!(await brokerAcceptsConnections(url))) await startBroker(url);
    await consumer?.stop();
    await publisher?.close();
    if (connection) {
      await connection.waitUntilConnected(30_000).catch(() => {});
      if (connection.isConnected()) await deleteTopology(connection, { queues: [{ queue, retries: 1 }], exchanges: [exchange] });
      await connection.close();
    }
  });

  it('recovers the connection and the consumer by itself, and consumes what is published afterwards', { timeout: 180_000 }, async () => {
    connection = createAmqpConnection({ url, name: 'restart-test', reconnect: { initialDelayMs: 100, maxDelayMs: 1000 }, onStateChange: (state) => states.push(state) });
    await connection.waitUntilConnected(10_000);
    publisher = createAmqpPublisher(connection, { exchange });
    consumer = await startEventConsumer(connection, {
      exchange,
      queue,
      bindings: [`#.${tenant}.*`],
      prefetch: 10,
      retryDelaysMs: [100],
      deliveryLimit: 5,
      handler: async (event) => {
        received.push(event.id);
      },
    });
    const before = sampleEvent({ tenantid: tenant });
    await publisher.publish([before]);
    await eventually(() => (received.includes(before.id) ? true : undefined), { what: 'the event published before the restart' });

    try {
      await stopBroker();
      await eventually(() => (connection!.isConnected() ? undefined : true), { what: 'the connection to notice the broker is gone' });
      await expect(publisher.publish([sampleEvent({ tenantid: tenant })])).rejects.toMatchObject({ kind: 'unavailable', code: 'BROKER_UNAVAILABLE' });
      expect(consumer.isConsuming()).toBe(false);
    } finally {
      await startBroker(url);
    }

    await connection.waitUntilConnected(30_000);
    await eventually(() => (consumer!.isConsuming() ? true : undefined), { timeoutMs: 30_000, what: 'the consumer to be back' });
    const after = sampleEvent({ tenantid: tenant });
    await publisher.publish([after]);
    await eventually(() => (received.includes(after.id) ? true : undefined), { what: 'the event published after the restart' });
    expect(states).toEqual(expect.arrayContaining(['connected', 'reconnecting']));
    expect(states[states.length - 1]).toBe('connected');
  });
});
