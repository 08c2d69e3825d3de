import { randomUUID } from 'node:crypto';
import { schemaUri, type EventEnvelope } from '@hexbase/contracts';
import type { AmqpConnection } from './amqp-connection';
import { consumerQueueNames } from './consumer-topology';

/** A valid record event with a fresh id; for tests of this lib only. */
export function sampleEvent(overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  const id = randomUUID();
  return {
    specversion: '1.0',
    id,
    source: '/hexbase/records',
    type: 'record.created',
    subject: `orders/${id}`,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    dataschema: schemaUri('record.created', 1),
    data: { collection: 'orders', id, version: 1, data: { total: 42 } },
    tenantid: 'acme',
    streamid: `orders/${id}`,
    streamversion: 1,
    ...overrides,
  };
}

/** Deletes what a test file declared: consumer queues (with their retry and dead-letter queues) and exchanges. */
export async function deleteTopology(connection: AmqpConnection, topology: { queues?: Array<{ queue: string; retries: number }>; plainQueues?: string[]; exchanges?: string[] }): Promise<void> {
  const channel = await connection.createChannel();
  for (const { queue, retries } of topology.queues ?? []) {
    const names = consumerQueueNames(queue, retries);
    for (const name of [names.main, ...names.retries, names.dlq]) await channel.deleteQueue(name);
  }
  for (const name of topology.plainQueues ?? []) await channel.deleteQueue(name);
  for (const name of topology.exchanges ?? []) await channel.deleteExchange(name);
  await channel.close();
}

/** A promise with its resolve function, to hold a handler until the test lets it go. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
