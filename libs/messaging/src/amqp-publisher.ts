import type { ConfirmChannel } from 'amqplib';
import { HexbaseError, routingKeyFor, type EventEnvelope } from '@hexbase/contracts';
import type { EventPublisher } from '@hexbase/ports';
import type { AmqpConnection } from './amqp-connection';
import { brokerUnavailable, createConfirmedSender, waitForDrain, type ConfirmedSend } from './confirmed-sender';
import { declareEventExchange } from './event-exchange';
import { eventMessageOptions, type HeadersFor } from './message-headers';

export interface AmqpPublisherOptions {
  /** The topic exchange; declared (idempotently) on every new channel. */
  exchange: string;
  /** AMQP `app-id` of every message; defaults to each event's `source`. */
  source?: string;
  /** How long one `publish` call may wait for buffer space and confirms before it rejects. Default 10 s. */
  confirmTimeoutMs?: number;
  /** Extra headers per event (e.g. the current trace context). `traceparent` from the envelope is always copied. */
  headersFor?: HeadersFor;
}

export interface AmqpPublisher extends EventPublisher {
  /** Closes the publisher's channel. Call after the last `publish` has settled. */
  close(): Promise<void>;
}

interface OpenChannel {
  channel: ConfirmChannel;
  send: ConfirmedSend;
}

/**
 * EventPublisher over one confirm channel.
 *
 * Guarantees (on top of EventPublisher's): every message is persistent and `mandatory`, so an
 * event no queue is bound for makes `publish` reject (EVENT_UNROUTABLE) instead of vanishing;
 * all events of one call are pipelined in array order and the call resolves when every confirm
 * has arrived. It honours the channel's backpressure (waits for `drain`), and rejects with kind
 * `unavailable` at once while the connection is down or blocked, and after `confirmTimeoutMs`
 * otherwise, so an outbox relay can simply retry the batch later.
 *
 * Wire format: CloudEvents AMQP binding, structured mode: content type
 * `application/cloudevents+json`, the whole envelope as the body, message id = event id,
 * type = event type, timestamp = event time, and headers `tenantid`, `correlationid`,
 * `causationid`, `traceparent` copied from the envelope. Routing key from `routingKeyFor`.
 */
export function createAmqpPublisher(connection: AmqpConnection, options: AmqpPublisherOptions): AmqpPublisher {
  const confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000;
  let current: Promise<OpenChannel> | undefined;
  let closed = false;

  function openChannel(): Promise<OpenChannel> {
    if (current) return current;
    const opening = (async () => {
      const channel = await connection.createConfirmChannel();
      channel.on('close', () => {
        if (current === opening) current = undefined;
      });
      try {
        await declareEventExchange(channel, options.exchange);
      } catch (error) {
        await channel.close().catch(() => {});
        if (!connection.isConnected()) throw brokerUnavailable('the broker went away while declaring the exchange', error);
        throw new HexbaseError('EXCHANGE_DECLARE_FAILED', 'internal', `could not declare exchange "${options.exchange}": ${(error as Error).message}`);
      }
      return { channel, send: createConfirmedSender(channel) };
    })();
    current = opening;
    opening.catch(() => {
      if (current === opening) current = undefined;
    });
    return opening;
  }

  async function publish(events: readonly EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    if (closed) throw brokerUnavailable('the publisher is closed');
    if (!connection.isConnected()) throw brokerUnavailable(`connection "${connection.name}" is not connected`);
    if (connection.isBlocked()) throw new HexbaseError('BROKER_BLOCKED', 'unavailable', 'the broker blocks publishing (resource alarm)', [], { retryAfter: 5 });

    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(brokerUnavailable(`no confirm for ${events.length} event(s) within ${confirmTimeoutMs} ms`)), confirmTimeoutMs);
    });
    timedOut.catch(() => {});
    try {
      const { channel, send } = await Promise.race([openChannel(), timedOut]);
      let settled!: (error?: HexbaseError) => void;
      const allConfirmed = new Promise<void>((resolve, reject) => {
        let pending = events.length;
        settled = (error) => {
          if (error) reject(error);
          else if (--pending === 0) resolve();
        };
      });
      // We may stop awaiting (drain timeout); a later rejection must not surface as unhandled.
      allConfirmed.catch(() => {});
      for (const [index, event] of events.entries()) {
        const body = Buffer.from(JSON.stringify(event));
        const writable = send(options.exchange, routingKeyFor(event), body, eventMessageOptions(event, options.source, options.headersFor), settled);
        if (!writable && index < events.length - 1) await Promise.race([waitForDrain(channel), timedOut]);
      }
      await Promise.race([allConfirmed, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function close(): Promise<void> {
    closed = true;
    const open = current;
    current = undefined;
    if (open) await open.then(({ channel }) => channel.close()).catch(() => {});
  }

  return { publish, close };
}
