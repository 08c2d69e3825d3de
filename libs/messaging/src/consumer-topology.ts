import type { Channel } from 'amqplib';
import { declareEventExchange } from './event-exchange';

export interface ConsumerTopologyOptions {
  exchange: string;
  /** The consumer's own queue; the other names derive from it. */
  queue: string;
  /** Routing-key patterns bound to the queue, e.g. `record.*.acme.#`. */
  bindings: readonly string[];
  /** One retry queue per delay, in order. */
  retryDelaysMs: readonly number[];
  /** Broker-side cap on deliveries of one message (crashes, lost channels) before it is dead-lettered. */
  deliveryLimit: number;
}

export interface ConsumerQueueNames {
  main: string;
  /** `<queue>.retry.1` ... `<queue>.retry.<n>`, one per delay. */
  retries: string[];
  dlq: string;
}

/**
 * Listing a dead letter returns it to the queue, which quorum queues count as a delivery, and
 * RabbitMQ 4 dead-letters (here: drops) a message after 20 deliveries unless told otherwise.
 * `-1` (unlimited in 4.x) drops messages at once on 3.10, so the DLQ gets a limit no admin reaches.
 */
const DEAD_LETTER_QUEUE_DELIVERY_LIMIT = 1_000_000;

/*
 * Broker-side dead-lettering (TTL expiry back to the main queue, the delivery limit into the DLQ)
 * uses the default at-most-once strategy on purpose. `at-least-once` runs every such queue through
 * one broker-wide supervisor, and a few worker crashes (deleting a queue right after a broker
 * restart is enough on 3.10.8; rabbitmq-server#16652 on 4.2) stop that supervisor for good, after
 * which no at-least-once queue can be declared or elected until the broker restarts. The cost:
 * a message that expires from a retry queue while the main queue has no leader is lost.
 */

export function deadLetterQueueName(queue: string): string {
  return `${queue}.dlq`;
}

export function retryQueueName(queue: string, retry: number): string {
  return `${queue}.retry.${retry}`;
}

export function consumerQueueNames(queue: string, retryCount: number): ConsumerQueueNames {
  return {
    main: queue,
    retries: Array.from({ length: retryCount }, (_, index) => retryQueueName(queue, index + 1)),
    dlq: deadLetterQueueName(queue),
  };
}

/**
 * Declares, idempotently, a consumer's topology:
 * - `<queue>`: durable quorum queue with `x-delivery-limit`, dead-lettering to `<queue>.dlq`,
 *   bound to the exchange with each pattern in `bindings`;
 * - `<queue>.retry.<n>`: durable quorum queue per delay, `x-message-ttl` = delay, dead-lettering
 *   expired messages back to `<queue>` through the default exchange;
 * - `<queue>.dlq`: durable quorum queue that keeps what no retry could fix.
 * Re-declaring with different arguments fails (PRECONDITION_FAILED): changing a delay or the
 * delivery limit of an existing consumer needs a new queue name or a policy.
 */
export async function declareConsumerTopology(channel: Channel, options: ConsumerTopologyOptions): Promise<ConsumerQueueNames> {
  const names = consumerQueueNames(options.queue, options.retryDelaysMs.length);
  await declareEventExchange(channel, options.exchange);
  await channel.assertQueue(names.dlq, {
    durable: true,
    arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': DEAD_LETTER_QUEUE_DELIVERY_LIMIT },
  });
  for (const [index, delayMs] of options.retryDelaysMs.entries()) {
    await channel.assertQueue(names.retries[index]!, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-message-ttl': delayMs,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': names.main,
      },
    });
  }
  await channel.assertQueue(names.main, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-delivery-limit': options.deliveryLimit,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': names.dlq,
    },
  });
  for (const pattern of options.bindings) await channel.bindQueue(names.main, options.exchange, pattern);
  return names;
}
