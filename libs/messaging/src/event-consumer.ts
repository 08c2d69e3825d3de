import { randomUUID } from 'node:crypto';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { EventHandler } from '@hexbase/ports';
import type { AmqpConnection } from './amqp-connection';
import { createConfirmedSender, sendConfirmed, type ConfirmedSend } from './confirmed-sender';
import { declareConsumerTopology, type ConsumerQueueNames, type ConsumerTopologyOptions } from './consumer-topology';
import { decodeEnvelope } from './decode-envelope';
import { decideDelivery, summarizeFailure, type DeliveryDecision, type DeliveryOutcome } from './delivery-decision';
import { MessageHeader, attemptOf, republishHeaders, republishOptions } from './message-headers';

export interface EventConsumerOptions extends ConsumerTopologyOptions {
  /** Most messages handled at once (AMQP prefetch of the consumer). */
  prefetch: number;
  handler: EventHandler;
  /** Told about every failure the consumer absorbed: handler errors (with the decision taken), failed settles, setup errors, broker cancels. */
  onError?: (error: unknown, context: ConsumerErrorContext) => void;
}

export interface ConsumerErrorContext {
  queue: string;
  stage: 'setup' | 'handler' | 'settle' | 'cancelled';
  eventId?: string;
  attempt?: number;
  decision?: DeliveryDecision;
}

export interface EventConsumer {
  /** Stops taking new messages, lets in-flight handlers finish and settle, then closes the channel. Idempotent. */
  stop(): Promise<void>;
  /** True while a broker consumer is attached: false while disconnected, after a broker cancel, after stop. */
  isConsuming(): boolean;
}

const SETUP_RETRY_MAX_MS = 30_000;

/**
 * Consumes one queue with retries and a dead-letter queue (topology: see declareConsumerTopology).
 *
 * Guarantees:
 * - At least once: a message is acked only after the handler resolved, or after its copy was
 *   confirmed by the retry or dead-letter queue. If the process dies in between, the broker
 *   redelivers it (`redelivered: true`); handlers de-duplicate by event id.
 * - One decision per delivery (decideDelivery): resolve -> ack; a HexbaseError whose kind is not
 *   retryable -> dead-letter queue at once; any other error -> next retry queue with the attempt
 *   incremented, and the dead-letter queue after the last one. A body that is not a valid
 *   envelope goes to the dead-letter queue without reaching the handler. The error code, kind,
 *   message, attempts and time are recorded in the dead letter's headers.
 * - Each retry is delivered no earlier than its queue's delay.
 * - Messages the consumer cannot move (broker trouble) are returned to the queue; the queue's
 *   delivery limit dead-letters a message that keeps coming back.
 * - Topology and the broker consumer are re-established after every reconnect, and after the
 *   consumer's channel dies alone or the broker cancels it (queue deleted), with backoff.
 *
 * Resolves once consuming when the connection is up (rejects if the topology cannot be
 * declared); when it is down, resolves at once and starts consuming on connect.
 */
export async function startEventConsumer(connection: AmqpConnection, options: EventConsumerOptions): Promise<EventConsumer> {
  const inFlight = new Set<Promise<void>>();
  let channel: ConfirmChannel | undefined;
  let consumerTag: string | undefined;
  let stopping = false;
  let started = false;
  let epoch = 0;
  let setupFailures = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let attaching: Promise<void> | undefined;
  let stopped: Promise<void> | undefined;

  const report = (error: unknown, context: Omit<ConsumerErrorContext, 'queue'>) => {
    try {
      options.onError?.(error, { queue: options.queue, ...context });
    } catch {
      // Reporting must never break consumption.
    }
  };

  async function openConsumer(): Promise<void> {
    const ch = await connection.createConfirmChannel();
    try {
      const names = await declareConsumerTopology(ch, options);
      await ch.prefetch(options.prefetch);
      const send = createConfirmedSender(ch);
      ch.on('close', () => {
        if (channel !== ch) return;
        channel = undefined;
        consumerTag = undefined;
        // A channel can die alone (a channel error); a dropped connection re-runs `attach` by itself.
        if (started && !stopping) scheduleReattach();
      });
      channel = ch;
      const reply = await ch.consume(names.main, (message) => onDelivery(ch, send, names, message), { noAck: false });
      consumerTag = reply.consumerTag;
    } catch (error) {
      if (channel === ch) channel = undefined;
      await ch.close().catch(() => {});
      throw error;
    }
  }

  /** The setup the connection runs on every (re)connect; after the first start, failures retry with backoff. */
  async function attach(): Promise<void> {
    if (stopping) return;
    const myEpoch = ++epoch;
    clearTimeout(retryTimer);
    const run = openConsumer();
    attaching = run.catch(() => {});
    try {
      await run;
      setupFailures = 0;
    } catch (error) {
      report(error, { stage: 'setup' });
      if (started && myEpoch === epoch) scheduleReattach();
      throw error;
    }
  }

  function scheduleReattach(): void {
    if (stopping) return;
    const myEpoch = epoch;
    const delay = Math.min(SETUP_RETRY_MAX_MS, 500 * 2 ** Math.min(setupFailures++, 10));
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      if (!stopping && myEpoch === epoch && connection.isConnected()) attach().catch(() => {});
    }, delay);
  }

  function onDelivery(ch: ConfirmChannel, send: ConfirmedSend, names: ConsumerQueueNames, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancels a consumer whose queue was deleted: close the channel, and its close
      // handler re-attaches, declaring the topology again.
      report(new Error(`the broker cancelled the consumer of "${names.main}"`), { stage: 'cancelled' });
      if (channel === ch) consumerTag = undefined;
      void ch.close().catch(() => {});
      return;
    }
    const task = handleDelivery(ch, send, names, message);
    inFlight.add(task);
    void task.then(() => inFlight.delete(task));
  }

  async function handleDelivery(ch: ConfirmChannel, send: ConfirmedSend, names: ConsumerQueueNames, message: ConsumeMessage): Promise<void> {
    const attempt = attemptOf(message.properties.headers);
    const decoded = decodeEnvelope(message.content);
    let outcome: DeliveryOutcome;
    if (decoded.problems) {
      outcome = { kind: 'malformed', problems: decoded.problems };
    } else {
      try {
        await options.handler(decoded.event, { attempt, redelivered: message.fields.redelivered });
        outcome = { kind: 'handled' };
      } catch (error) {
        outcome = { kind: 'failed', error };
      }
    }
    const decision = decideDelivery(outcome, attempt, names.retries.length);
    const eventId = (message.properties.messageId as string | undefined) ?? decoded.event?.id;
    if (outcome.kind === 'failed') report(outcome.error, { stage: 'handler', eventId, attempt, decision });
    if (outcome.kind === 'malformed') report(new Error(`malformed event: ${outcome.problems.join('; ')}`), { stage: 'handler', eventId, attempt, decision });
    try {
      await settle(ch, send, names, message, outcome, decision, attempt);
    } catch (error) {
      report(error, { stage: 'settle', eventId, attempt, decision });
      try {
        ch.nack(message, false, true);
      } catch {
        // The channel is gone; the broker returns the message to the queue by itself.
      }
    }
  }

  async function settle(ch: ConfirmChannel, send: ConfirmedSend, names: ConsumerQueueNames, message: ConsumeMessage, outcome: DeliveryOutcome, decision: DeliveryDecision, attempt: number): Promise<void> {
    if (decision.action === 'ack' || outcome.kind === 'handled') {
      ch.ack(message);
      return;
    }
    const error = summarizeFailure(outcome);
    const failure = { [MessageHeader.errorCode]: error.code, [MessageHeader.errorKind]: error.kind, [MessageHeader.errorMessage]: error.message };
    const messageId = (message.properties.messageId as string | undefined) ?? randomUUID();
    const headers =
      decision.action === 'retry'
        ? republishHeaders(message.properties.headers, { ...failure, [MessageHeader.attempt]: decision.nextAttempt })
        : republishHeaders(message.properties.headers, {
            ...failure,
            [MessageHeader.attempt]: attempt,
            [MessageHeader.deadLetterReason]: decision.reason,
            [MessageHeader.deadLetteredAt]: new Date().toISOString(),
          });
    const target = decision.action === 'retry' ? names.retries[decision.retry - 1]! : names.dlq;
    await sendConfirmed(send, '', target, message.content, republishOptions(message.properties, messageId, headers));
    ch.ack(message);
  }

  async function stop(): Promise<void> {
    stopping = true;
    clearTimeout(retryTimer);
    unregister();
    await attaching;
    const ch = channel;
    const tag = consumerTag;
    consumerTag = undefined;
    if (ch && tag) await ch.cancel(tag).catch(() => {});
    // Deliveries already on the wire before the cancel took effect join the in-flight set.
    while (inFlight.size > 0) await Promise.all([...inFlight]);
    const last = channel;
    channel = undefined;
    if (last) await last.close().catch(() => {});
  }

  const unregister = await connection.addSetup(attach);
  started = true;

  return {
    stop: () => (stopped ??= stop()),
    isConsuming: () => !stopping && channel !== undefined && consumerTag !== undefined,
  };
}
