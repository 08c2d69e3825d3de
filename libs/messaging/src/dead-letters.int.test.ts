import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validationError } from '@hexbase/contracts';
import type { DeliveryContext } from '@hexbase/ports';
import { eventually, testServers, uniqueName } from '@hexbase/testing';
import { createAmqpConnection, type AmqpConnection } from './amqp-connection';
import { createAmqpPublisher, type AmqpPublisher } from './amqp-publisher';
import { deadLetterQueueName } from './consumer-topology';
import { listDeadLetters, redriveDeadLetters } from './dead-letters';
import { startEventConsumer, type EventConsumer } from './event-consumer';
import { deleteTopology, sampleEvent } from './test-support';

describe('dead letters', () => {
  const exchange = uniqueName('dead_letter_events');
  const queue = uniqueName('dead_letter_consumer');
  const tenant = queue;
  let connection: AmqpConnection;
  let publisher: AmqpPublisher;
  let consumer: EventConsumer;
  let acceptEverything = false;
  const accepted: Array<{ id: string; context: DeliveryContext }> = [];

  /** Ready messages in the DLQ. A quorum queue's count can lag behind returns for a moment, hence `eventually`. */
  async function dlqDepth(): Promise<number> {
    const channel = await connection.createChannel();
    const { messageCount } = await channel.checkQueue(deadLetterQueueName(queue));
    await channel.close();
    return messageCount;
  }

  beforeAll(async () => {
    connection = createAmqpConnection({ url: testServers().rabbitmqUrl, name: 'dead-letters-test' });
    await connection.waitUntilConnected(10_000);
    publisher = createAmqpPublisher(connection, { exchange });
    consumer = await startEventConsumer(connection, {
      exchange,
      queue,
      bindings: [`#.${tenant}.*`],
      prefetch: 5,
      retryDelaysMs: [100],
      deliveryLimit: 3,
      handler: async (event, context) => {
        if (!acceptEverything) throw validationError('NOT_YET', 'not accepted yet', []);
        accepted.push({ id: event.id, context });
      },
    });
  });

  afterAll(async () => {
    await consumer?.stop();
    await publisher?.close();
    if (connection?.isConnected()) await deleteTopology(connection, { queues: [{ queue, retries: 1 }], exchanges: [exchange] });
    await connection?.close();
  });

  const idsOf = (letters: Array<{ id: string | undefined }>) => letters.map((letter) => letter.id).sort();

  it('lists dead letters without removing them, as often as asked', async () => {
    const events = [0, 1, 2].map(() => sampleEvent({ tenantid: tenant }));
    for (const event of events) await publisher.publish([event]);
    await eventually(async () => ((await dlqDepth()) === 3 ? true : undefined), { what: 'three dead letters' });

    const first = await listDeadLetters(connection, queue, { limit: 10 });
    const again = await listDeadLetters(connection, queue, { limit: 10 });
    const head = await listDeadLetters(connection, queue, { limit: 2 });

    expect(idsOf(first)).toEqual(idsOf(events));
    expect(first.find((letter) => letter.id === events[0]!.id)).toMatchObject({
      event: events[0],
      reason: 'rejected',
      attempts: 1,
      error: { code: 'NOT_YET', kind: 'validation', message: 'not accepted yet' },
    });
    expect(idsOf(again)).toEqual(idsOf(first));
    expect(again.find((letter) => letter.id === events[1]!.id)).toEqual(first.find((letter) => letter.id === events[1]!.id));
    expect(head).toHaveLength(2);
    expect(idsOf(events)).toEqual(expect.arrayContaining(idsOf(head)));
    // Returned messages are counted again once the queue has processed the returns.
    await eventually(async () => ((await dlqDepth()) === 3 ? true : undefined), { what: 'all three dead letters back in the queue' });
  });

  it('redrives chosen dead letters, then the rest, to the consumer with the attempt count reset', async () => {
    await eventually(async () => ((await dlqDepth()) === 3 ? true : undefined), { what: 'three dead letters' });
    const letters = await listDeadLetters(connection, queue, { limit: 10 });
    expect(letters).toHaveLength(3);
    const chosen = letters[1]!.id!;
    acceptEverything = true;

    const movedChosen = await redriveDeadLetters(connection, queue, { limit: 10, ids: [chosen] });

    expect(movedChosen).toBe(1);
    await eventually(() => accepted.find((entry) => entry.id === chosen), { what: 'the redriven event at the consumer' });
    expect(accepted.find((entry) => entry.id === chosen)!.context.attempt).toBe(1);
    await eventually(async () => ((await dlqDepth()) === 2 ? true : undefined), { what: 'the two other dead letters back in the queue' });
    expect(idsOf(await listDeadLetters(connection, queue, { limit: 10 }))).toEqual(idsOf(letters.filter((letter) => letter.id !== chosen)));

    const movedRest = await redriveDeadLetters(connection, queue, { limit: 10 });

    expect(movedRest).toBe(2);
    await eventually(() => (letters.every((letter) => accepted.some((entry) => entry.id === letter.id)) ? true : undefined), { what: 'every redriven event' });
    expect(await listDeadLetters(connection, queue, { limit: 10 })).toEqual([]);
  });

  it('answers not_found for a consumer without a dead-letter queue', async () => {
    await expect(listDeadLetters(connection, uniqueName('no_such_consumer'), { limit: 1 })).rejects.toMatchObject({ kind: 'not_found', code: 'DEAD_LETTER_QUEUE_NOT_FOUND' });
  });
});
