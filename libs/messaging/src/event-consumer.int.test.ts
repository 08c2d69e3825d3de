import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HexbaseError, validationError, type EventEnvelope } from '@hexbase/contracts';
import type { DeliveryContext, EventHandler } from '@hexbase/ports';
import { eventually, testServers, uniqueName } from '@hexbase/testing';
import { createAmqpConnection, type AmqpConnection } from './amqp-connection';
import { createAmqpPublisher, type AmqpPublisher } from './amqp-publisher';
import { deadLetterQueueName } from './consumer-topology';
import { listDeadLetters } from './dead-letters';
import { startEventConsumer, type ConsumerErrorContext, type EventConsumer, type EventConsumerOptions } from './event-consumer';
import { deleteTopology, gate, sampleEvent } from './test-support';

const RETRY_DELAYS_MS = [200, 400];

describe('event consumer', () => {
  const exchange = uniqueName('consumer_events');
  const createdQueues: string[] = [];
  let connection: AmqpConnection;
  let publisher: AmqpPublisher;
  const consumers: EventConsumer[] = [];

  /** Starts a consumer on its own queue, bound to events of its own tenant. */
  async function consumerFor(label: string, handler: EventHandler, overrides: Partial<EventConsumerOptions> = {}) {
    const queue = uniqueName(label);
    const tenant = queue;
    createdQueues.push(queue);
    const errors: Array<{ error: unknown; context: ConsumerErrorContext }> = [];
    const consumer = await startEventConsumer(connection, {
      exchange,
      queue,
      bindings: [`#.${tenant}.*`],
      prefetch: 1,
      retryDelaysMs: RETRY_DELAYS_MS,
      deliveryLimit: 3,
      handler,
      onError: (error, context) => errors.push({ error, context }),
      ...overrides,
    });
    consumers.push(consumer);
    return { queue, consumer, errors, event: (overrides: Partial<EventEnvelope> = {}) => sampleEvent({ tenantid: tenant, ...overrides }) };
  }

  async function queueDepth(queue: string): Promise<number> {
    const channel = await connection.createChannel();
    const { messageCount } = await channel.checkQueue(queue);
    await channel.close();
    return messageCount;
  }

  beforeAll(async () => {
    connection = createAmqpConnection({ url: testServers().rabbitmqUrl, name: 'consumer-test' });
    await connection.waitUntilConnected(10_000);
    publisher = createAmqpPublisher(connection, { exchange });
  });

  afterAll(async () => {
    for (const consumer of consumers) await consumer.stop();
    await publisher?.close();
    if (connection?.isConnected()) {
      await deleteTopology(connection, { queues: createdQueues.map((queue) => ({ queue, retries: RETRY_DELAYS_MS.length })), exchanges: [exchange] });
    }
    await connection?.close();
  });

  it('dead-letters a poison message after exactly the configured attempts while the messages behind it keep flowing', async () => {
    const attempts: Array<{ context: DeliveryContext; at: number }> = [];
    const handledAt = new Map<string, number>();
    let poisonId = '';
    const { queue, event } = await consumerFor('poison', async (incoming, context) => {
      if (incoming.id === poisonId) {
        attempts.push({ context, at: performance.now() });
        throw new Error('poison');
      }
      handledAt.set(incoming.id, performance.now());
    });
    const poison = event();
    poisonId = poison.id;
    const good = Array.from({ length: 5 }, () => event());

    await publisher.publish([poison, ...good]);

    const [letter] = await eventually(async () => {
      const letters = await listDeadLetters(connection, queue, { limit: 10 });
      return letters.length > 0 ? letters : undefined;
    }, { what: 'the poison message in the DLQ' });
    expect(letter).toMatchObject({ id: poison.id, event: poison, reason: 'retries_exhausted', attempts: 3, error: { code: 'UNHANDLED_ERROR', kind: 'internal', message: 'poison' } });
    expect(attempts.map((attempt) => attempt.context.attempt)).toEqual([1, 2, 3]);
    expect(good.every((event) => handledAt.has(event.id))).toBe(true);
    const lastPoisonAttempt = attempts[attempts.length - 1]!.at;
    expect(good.every((event) => handledAt.get(event.id)! < lastPoisonAttempt)).toBe(true);
    expect(await queueDepth(queue)).toBe(0);
  });

  it('delivers each retry no earlier than its configured delay', async () => {
    const startedAt: number[] = [];
    const { event } = await consumerFor('delays', async () => {
      startedAt.push(performance.now());
      if (startedAt.length <= RETRY_DELAYS_MS.length) throw new HexbaseError('DEPENDENCY_DOWN', 'unavailable', 'try later');
    });

    await publisher.publish([event()]);

    await eventually(() => (startedAt.length === RETRY_DELAYS_MS.length + 1 ? true : undefined), { what: 'the third attempt' });
    RETRY_DELAYS_MS.forEach((delayMs, index) => {
      expect(startedAt[index + 1]! - startedAt[index]!).toBeGreaterThanOrEqual(delayMs);
    });
  });

  it('dead-letters at once, after one attempt, on a HexbaseError that is not retryable', async () => {
    let calls = 0;
    const { queue, event } = await consumerFor('rejected', async () => {
      calls += 1;
      throw validationError('ORDER_INVALID', 'total must be positive', [{ field: '/data/total', rule: 'minimum', message: 'must be > 0' }]);
    });
    const rejected = event();

    await publisher.publish([rejected]);

    const [letter] = await eventually(async () => {
      const letters = await listDeadLetters(connection, queue, { limit: 10 });
      return letters.length > 0 ? letters : undefined;
    }, { what: 'the rejected message in the DLQ' });
    expect(letter).toMatchObject({ id: rejected.id, reason: 'rejected', attempts: 1, error: { code: 'ORDER_INVALID', kind: 'validation' } });
    expect(Date.parse(letter!.deadLetteredAt!)).not.toBeNaN();
    expect(calls).toBe(1);
  });

  it('dead-letters malformed messages without calling the handler', async () => {
    let calls = 0;
    const { queue, errors } = await consumerFor('malformed', async () => {
      calls += 1;
    });
    const channel = await connection.createConfirmChannel();
    const routingKey = `record.created.${queue}.orders`;
    channel.publish(exchange, routingKey, Buffer.from('not json at all'), { persistent: true, messageId: 'malformed-1' });
    channel.publish(exchange, routingKey, Buffer.from(JSON.stringify({ specversion: '1.0', type: 'record.created' })), { persistent: true });
    await channel.waitForConfirms();
    await channel.close();

    const letters = await eventually(async () => {
      const found = await listDeadLetters(connection, queue, { limit: 10 });
      return found.length === 2 ? found : undefined;
    }, { what: 'both malformed messages in the DLQ' });
    expect(letters[0]).toMatchObject({ id: 'malformed-1', event: undefined, body: 'not json at all', reason: 'malformed', attempts: 1, error: { code: 'MALFORMED_EVENT', kind: 'validation', message: 'body is not valid JSON' } });
    expect(letters[1]).toMatchObject({ event: undefined, reason: 'malformed', error: { code: 'MALFORMED_EVENT' } });
    expect(letters[1]!.error.message).toContain('id must be a non-empty string');
    expect(calls).toBe(0);
    expect(errors.map((entry) => entry.context.decision)).toEqual([
      { action: 'dead-letter', reason: 'malformed' },
      { action: 'dead-letter', reason: 'malformed' },
    ]);
  });

  it('stop() lets the in-flight handler finish and ack, and takes no more messages', async () => {
    const release = gate();
    const handled: string[] = [];
    const started: string[] = [];
    const { queue, consumer, event } = await consumerFor('stopping', async (incoming) => {
      started.push(incoming.id);
      await release.promise;
      handled.push(incoming.id);
    });
    const first = event();
    const second = event();
    await publisher.publish([first, second]);
    await eventually(() => (started.length === 1 ? true : undefined), { what: 'the first message in the handler' });

    const stopping = consumer.stop();
    release.open();
    await stopping;

    expect(handled).toEqual([first.id]);
    expect(consumer.isConsuming()).toBe(false);
    await eventually(async () => ((await queueDepth(queue)) === 1 ? true : undefined), { what: 'the second message back in the queue' });
    expect(await queueDepth(deadLetterQueueName(queue))).toBe(0);
    const channel = await connection.createChannel();
    const leftover = await channel.get(queue, { noAck: true });
    await channel.close();
    expect(leftover && leftover.properties.messageId).toBe(second.id);
  });

  it('declares its queue again and keeps consuming when the queue is deleted under it', async () => {
    const received: string[] = [];
    const { queue, consumer, errors, event } = await consumerFor('deleted', async (incoming) => {
      received.push(incoming.id);
    });
    const channel = await connection.createChannel();
    await channel.deleteQueue(queue);
    await channel.close();
    await eventually(() => (errors.some((entry) => entry.context.stage === 'cancelled') ? true : undefined), { what: 'the broker to cancel the consumer' });

    await eventually(() => (consumer.isConsuming() ? true : undefined), { what: 'the consumer to attach again' });
    const after = event();
    await publisher.publish([after]);

    await eventually(() => (received.includes(after.id) ? true : undefined), { what: 'the event published after the queue came back' });
  });
});
