import { createAmqpConnection, type AmqpConnection, type ConnectionState } from './amqp-connection';
import { declareEventExchange } from './event-exchange';

export interface EventBusConnectionOptions {
  url: string;
  /** Shown in the broker's connection list. */
  name: string;
  exchange: string;
  onStateChange?: (state: ConnectionState, error?: unknown) => void;
}

/**
 * A connection to the event bus whose topic exchange is declared on every (re)connect, so
 * publishers and consumers on it can rely on the exchange existing.
 */
export async function connectToEventBus(options: EventBusConnectionOptions): Promise<AmqpConnection> {
  const connection = createAmqpConnection({ url: options.url, name: options.name, ...(options.onStateChange ? { onStateChange: options.onStateChange } : {}) });
  await connection.addSetup(async (ready) => {
    const channel = await ready.createChannel();
    await declareEventExchange(channel, options.exchange);
    await channel.close();
  });
  return connection;
}
