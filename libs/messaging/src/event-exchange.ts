import type { Channel } from 'amqplib';

/**
 * Declares the durable topic exchange every domain event is published to (`hexbase.events` in
 * production; tests pass their own). Idempotent: declaring it again with the same name is a no-op.
 * Routing keys are `<type>.<tenant>.<collection>` (see `routingKeyFor`).
 */
export async function declareEventExchange(channel: Pick<Channel, 'assertExchange'>, exchange: string): Promise<void> {
  await channel.assertExchange(exchange, 'topic', { durable: true, autoDelete: false });
}
