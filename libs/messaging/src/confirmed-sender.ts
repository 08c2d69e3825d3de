import type { ConfirmChannel, Message, Options } from 'amqplib';
import { HexbaseError } from '@hexbase/contracts';

/** Publish options of a tracked message: `messageId` identifies it in a basic.return. */
export type TrackedOptions = Options.Publish & { messageId: string; mandatory: true };

/**
 * Sends one mandatory message on a confirm channel; `settled` is called once, with no argument when
 * the broker confirmed and routed it, with the reason otherwise. Returns false when the channel's
 * write buffer is full: wait for `drain` before sending more.
 */
export type ConfirmedSend = (exchange: string, routingKey: string, body: Buffer, options: TrackedOptions, settled: (error?: HexbaseError) => void) => boolean;

export function brokerUnavailable(message: string, cause?: unknown): HexbaseError {
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new HexbaseError('BROKER_UNAVAILABLE', 'unavailable', `${message}${detail}`, [], { retryAfter: 1 });
}

/**
 * Publishing with confirms and `mandatory` on one channel. RabbitMQ sends the basic.return of an
 * unroutable mandatory message before its basic.ack, so by the time a confirm arrives the
 * tracker already knows whether that message was returned.
 */
export function createConfirmedSender(channel: ConfirmChannel): ConfirmedSend {
  const returned = new Map<string, number>();
  const keyOf = (routingKey: string, messageId: string) => `${routingKey}\n${messageId}`;

  channel.on('return', (message: Message) => {
    const messageId = message.properties.messageId as string | undefined;
    if (messageId === undefined) return;
    const key = keyOf(message.fields.routingKey, messageId);
    returned.set(key, (returned.get(key) ?? 0) + 1);
  });

  function takeReturned(key: string): boolean {
    const count = returned.get(key);
    if (count === undefined) return false;
    if (count <= 1) returned.delete(key);
    else returned.set(key, count - 1);
    return true;
  }

  return (exchange, routingKey, body, options, settled) => {
    const key = keyOf(routingKey, options.messageId);
    try {
      return channel.publish(exchange, routingKey, body, options, (error: unknown) => {
        if (takeReturned(key)) {
          settled(new HexbaseError('EVENT_UNROUTABLE', 'unavailable', `no queue is bound for routing key "${routingKey}" on exchange "${exchange || '(default)'}"`, [], { retryAfter: 5 }));
        } else if (error) {
          settled(brokerUnavailable('the broker did not confirm the message', error));
        } else {
          settled();
        }
      });
    } catch (error) {
      settled(brokerUnavailable('the channel is closed', error));
      return true;
    }
  };
}

/** One message through `send`, as a promise that resolves once the broker confirmed and routed it. */
export function sendConfirmed(send: ConfirmedSend, exchange: string, routingKey: string, body: Buffer, options: TrackedOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    send(exchange, routingKey, body, options, (error) => (error ? reject(error) : resolve()));
  });
}

/** Resolves when the channel's write buffer drains; rejects if the channel closes first. */
export function waitForDrain(channel: ConfirmChannel): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      channel.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      channel.off('drain', onDrain);
      reject(brokerUnavailable('the channel closed while waiting for its buffer to drain'));
    };
    channel.once('drain', onDrain);
    channel.once('close', onClose);
  });
}
