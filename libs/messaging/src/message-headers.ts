import type { MessageProperties } from 'amqplib';
import type { EventEnvelope } from '@hexbase/contracts';
import type { TrackedOptions } from './confirmed-sender';

/** CloudEvents structured mode: the whole envelope is the JSON body. */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

/**
 * Headers Hexbase writes on messages it moves between its own queues. No `x-` prefix: that
 * namespace belongs to the broker.
 */
export const MessageHeader = {
  /** 1-based attempt number of the next delivery; absent means 1. */
  attempt: 'hexbase-attempt',
  errorCode: 'hexbase-error-code',
  errorKind: 'hexbase-error-kind',
  errorMessage: 'hexbase-error-message',
  /** Why the message is in the dead-letter queue: see DeadLetterReason. */
  deadLetterReason: 'hexbase-dead-letter-reason',
  /** ISO 8601 time the message was dead-lettered. */
  deadLetteredAt: 'hexbase-dead-lettered-at',
} as const;

/** Headers the broker adds when it dead-letters or redelivers; never copied onto a republished message. */
const BROKER_HEADERS = ['x-death', 'x-first-death-exchange', 'x-first-death-queue', 'x-first-death-reason', 'x-last-death-exchange', 'x-last-death-queue', 'x-last-death-reason', 'x-delivery-count'];

type Headers = Record<string, unknown>;

/** Extra headers for an outgoing event, e.g. the current trace context. Undefined values are left out. */
export type HeadersFor = (event: EventEnvelope) => Record<string, string | undefined>;

/** AMQP properties of a published event: CloudEvents structured mode plus the attributes brokers and tools filter on. */
export function eventMessageOptions(event: EventEnvelope, appId: string | undefined, headersFor?: HeadersFor): TrackedOptions {
  const headers: Headers = { tenantid: event.tenantid };
  if (event.correlationid !== undefined) headers.correlationid = event.correlationid;
  if (event.causationid !== undefined) headers.causationid = event.causationid;
  if (event.traceparent !== undefined) headers.traceparent = event.traceparent;
  if (headersFor) {
    for (const [name, value] of Object.entries(headersFor(event))) if (value !== undefined) headers[name] = value;
  }
  const options: TrackedOptions = {
    persistent: true,
    mandatory: true,
    contentType: CLOUDEVENTS_CONTENT_TYPE,
    messageId: event.id,
    type: event.type,
    appId: appId ?? event.source,
    headers,
  };
  const millis = Date.parse(event.time);
  if (!Number.isNaN(millis)) options.timestamp = Math.floor(millis / 1000);
  if (event.correlationid !== undefined) options.correlationId = event.correlationid;
  return options;
}

/** The attempt number carried by a message (1 when the header is absent or unreadable). */
export function attemptOf(headers: Headers | undefined): number {
  const value = Number(headers?.[MessageHeader.attempt]);
  return Number.isInteger(value) && value >= 1 ? value : 1;
}

/** Copies headers for a republish, without broker bookkeeping and without Hexbase's own retry state. */
export function republishHeaders(headers: Headers | undefined, overrides: Headers): Headers {
  const copy: Headers = {};
  const hexbaseHeaders = new Set<string>(Object.values(MessageHeader));
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!BROKER_HEADERS.includes(name) && !hexbaseHeaders.has(name)) copy[name] = value;
  }
  for (const [name, value] of Object.entries(overrides)) if (value !== undefined) copy[name] = value;
  return copy;
}

/** A header value as text, whatever the wire type the broker or another client gave it. */
export function headerText(headers: Headers | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined || value === null) return undefined;
  return Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
}

/** Properties kept when a message moves to a retry or dead-letter queue. Never `expiration` or `userId`. */
export function republishOptions(properties: MessageProperties, messageId: string, headers: Headers): TrackedOptions {
  const options: TrackedOptions = { persistent: true, mandatory: true, messageId, headers };
  if (properties.contentType !== undefined) options.contentType = properties.contentType as string;
  if (properties.contentEncoding !== undefined) options.contentEncoding = properties.contentEncoding as string;
  if (properties.type !== undefined) options.type = properties.type as string;
  if (properties.timestamp !== undefined) options.timestamp = properties.timestamp as number;
  if (properties.appId !== undefined) options.appId = properties.appId as string;
  if (properties.correlationId !== undefined) options.correlationId = properties.correlationId as string;
  return options;
}
