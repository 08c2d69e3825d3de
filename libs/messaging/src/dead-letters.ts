import type { Channel, GetMessage } from 'amqplib';
import { HexbaseError, type EventEnvelope } from '@hexbase/contracts';
import type { AmqpConnection } from './amqp-connection';
import { createConfirmedSender, sendConfirmed } from './confirmed-sender';
import { deadLetterQueueName } from './consumer-topology';
import { decodeEnvelope } from './decode-envelope';
import { MessageHeader, attemptOf, headerText, republishHeaders, republishOptions } from './message-headers';

export interface DeadLetter {
  /** The AMQP message id: the event id, when the producer set it. */
  id: string | undefined;
  /** Undefined when the body is not a valid envelope; see `body`. */
  event: EventEnvelope | undefined;
  /** The raw body, only when it is not a valid envelope. */
  body?: string;
  /** What the consumer recorded; for messages the broker dead-lettered, only `message` is known. */
  error: { code: string | undefined; kind: string | undefined; message: string | undefined };
  /** `rejected`, `retries_exhausted`, `malformed` (the consumer), or the broker's reason (`delivery_limit`...). */
  reason: string | undefined;
  /** Handler attempts made through the retry queues. */
  attempts: number;
  /** ISO 8601. */
  deadLetteredAt: string | undefined;
}

/**
 * Reads up to `limit` messages from the head of `<queue>.dlq` without removing them.
 *
 * Guarantee: every message read is returned to the queue before this resolves (and by the broker
 * if the process dies meanwhile); nothing is lost or duplicated. Not guaranteed: order. A quorum
 * queue serves returned messages before the others, and a partial read moves the ones read
 * behind the rest, so successive calls with a small `limit` can show different messages; use a
 * limit above the queue depth for a complete view. Messages are held unacknowledged during the
 * read, so a concurrent list or redrive sees only the others. Rejects with kind `not_found` when
 * the dead-letter queue does not exist.
 */
export async function listDeadLetters(connection: AmqpConnection, queue: string, options: { limit: number }): Promise<DeadLetter[]> {
  const dlq = deadLetterQueueName(queue);
  const channel = await connection.createChannel();
  const held: GetMessage[] = [];
  try {
    await checkDeadLetterQueue(channel, dlq);
    while (held.length < options.limit) {
      const message = await channel.get(dlq, { noAck: false });
      if (!message) break;
      held.push(message);
    }
    return held.map(toDeadLetter);
  } finally {
    returnAll(channel, held);
    await channel.close().catch(() => {});
  }
}

/** How many dead letters a redrive by id looks through at most (all held unacknowledged meanwhile). */
const MAX_SCAN = 10_000;

/**
 * Moves dead letters back to `<queue>`, with their attempt count and recorded error cleared, and
 * returns how many moved. Without `ids`, moves up to `limit` from the head of the DLQ; with
 * `ids`, looks through the DLQ (up to 10 000 messages) and moves, up to `limit`, those whose
 * message id is listed, leaving the others in place. Messages that a concurrent list or redrive
 * holds at that moment are not seen: a count lower than expected is worth one more call.
 *
 * Guarantee: a message leaves the DLQ only after the main queue confirmed its copy, so nothing is
 * lost; if the process dies between the two, it is in both (consumers de-duplicate by event id).
 */
export async function redriveDeadLetters(connection: AmqpConnection, queue: string, options: { limit: number; ids?: readonly string[] }): Promise<number> {
  const dlq = deadLetterQueueName(queue);
  const channel = await connection.createConfirmChannel();
  const send = createConfirmedSender(channel);
  const wanted = options.ids ? new Set(options.ids) : undefined;
  const kept: GetMessage[] = [];
  const moving: Array<{ message: GetMessage; confirmed: Promise<void> }> = [];
  try {
    await checkDeadLetterQueue(channel, dlq);
    const scanLimit = wanted ? MAX_SCAN : options.limit;
    for (let scanned = 0; scanned < scanLimit && moving.length < options.limit; scanned += 1) {
      if (wanted && moving.length === wanted.size) break;
      const message = await channel.get(dlq, { noAck: false });
      if (!message) break;
      const messageId = message.properties.messageId as string | undefined;
      if (wanted && (messageId === undefined || !wanted.has(messageId))) {
        kept.push(message);
        continue;
      }
      const copy = republishOptions(message.properties, messageId ?? `redrive-${message.fields.deliveryTag}`, republishHeaders(message.properties.headers, {}));
      const confirmed = sendConfirmed(send, '', queue, message.content, copy);
      confirmed.catch(() => {});
      moving.push({ message, confirmed });
    }
    const results = await Promise.allSettled(moving.map((entry) => entry.confirmed));
    let moved = 0;
    for (const [index, result] of results.entries()) {
      const { message } = moving[index]!;
      if (result.status === 'fulfilled') {
        channel.ack(message);
        moved += 1;
      } else {
        kept.push(message);
      }
    }
    return moved;
  } finally {
    returnAll(channel, kept);
    await channel.close().catch(() => {});
  }
}

async function checkDeadLetterQueue(channel: Channel, dlq: string): Promise<void> {
  try {
    await channel.checkQueue(dlq);
  } catch (error) {
    if ((error as { code?: number }).code === 404) throw new HexbaseError('DEAD_LETTER_QUEUE_NOT_FOUND', 'not_found', `no dead-letter queue "${dlq}"`);
    throw error;
  }
}

/** Gives held messages back, in the order they were read; a closed channel gives them back by itself. */
function returnAll(channel: Channel, messages: GetMessage[]): void {
  messages.sort((a, b) => a.fields.deliveryTag - b.fields.deliveryTag);
  try {
    for (const message of messages) channel.nack(message, false, true);
  } catch {
    // Channel already closed: the broker has requeued them.
  }
}

function toDeadLetter(message: GetMessage): DeadLetter {
  const headers = message.properties.headers;
  const decoded = decodeEnvelope(message.content);
  const brokerDeath = firstDeath(headers);
  const letter: DeadLetter = {
    id: message.properties.messageId as string | undefined,
    event: decoded.event,
    error: {
      code: headerText(headers, MessageHeader.errorCode),
      kind: headerText(headers, MessageHeader.errorKind),
      message: headerText(headers, MessageHeader.errorMessage) ?? (brokerDeath ? `dead-lettered by the broker: ${brokerDeath.reason}` : undefined),
    },
    reason: headerText(headers, MessageHeader.deadLetterReason) ?? brokerDeath?.reason,
    attempts: attemptOf(headers),
    deadLetteredAt: headerText(headers, MessageHeader.deadLetteredAt) ?? brokerDeath?.time,
  };
  if (decoded.problems) letter.body = message.content.toString('utf8');
  return letter;
}

/** The broker's own record of a dead-lettering (`x-death`), for messages it moved by itself. */
function firstDeath(headers: Record<string, unknown> | undefined): { reason: string; time: string | undefined } | undefined {
  const deaths = headers?.['x-death'];
  if (!Array.isArray(deaths) || deaths.length === 0) return undefined;
  const death = deaths[0] as { reason?: unknown; time?: unknown };
  const rawTime = death.time as { value?: unknown } | number | undefined;
  const seconds = typeof rawTime === 'number' ? rawTime : Number(rawTime?.value);
  return { reason: String(death.reason), time: Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : undefined };
}
