/**
 * CloudEvents 1.0 envelope (JSON format) with the Hexbase extension attributes.
 * Extension names follow the CloudEvents rule: lower-case letters and digits only.
 */
export interface EventEnvelope<TData = unknown> {
  specversion: '1.0';
  /** UUIDv7: unique, roughly time-ordered. Consumers de-duplicate on it. */
  id: string;
  /** URI-reference of the producer, e.g. `/hexbase/records`. */
  source: string;
  /** e.g. `record.created`. */
  type: string;
  /** `<collection>/<recordId>` for record events. */
  subject: string;
  /** RFC 3339 timestamp of the change. */
  time: string;
  datacontenttype: 'application/json';
  /** URI naming the payload schema and its version, e.g. `urn:hexbase:schema:record.created:1`. */
  dataschema: string;
  data: TData;
  tenantid: string;
  /** The stream the event belongs to; versions are contiguous within it. */
  streamid: string;
  streamversion: number;
  correlationid?: string;
  causationid?: string;
  /** W3C trace context of the operation that produced the event. */
  traceparent?: string;
}

export const CLOUDEVENTS_SPEC_VERSION = '1.0' as const;

export function schemaUri(type: string, version: number): string {
  return `urn:hexbase:schema:${type}:${version}`;
}

/** Parses `urn:hexbase:schema:<type>:<version>`; returns undefined for anything else. */
export function parseSchemaUri(uri: string): { type: string; version: number } | undefined {
  const match = /^urn:hexbase:schema:([a-z0-9.]+):(\d+)$/.exec(uri);
  if (!match) return undefined;
  return { type: match[1]!, version: Number(match[2]) };
}

/** AMQP routing key: `<type>.<tenant>.<collection>`; `_` stands for "no collection". */
export function routingKeyFor(event: Pick<EventEnvelope, 'type' | 'tenantid' | 'subject'>): string {
  const collection = event.subject.includes('/') ? event.subject.slice(0, event.subject.indexOf('/')) : '_';
  return `${event.type}.${sanitizeWord(event.tenantid)}.${sanitizeWord(collection)}`;
}

/** Routing-key words may not contain dots; tenants and collections are validated to avoid them, this is a last guard. */
function sanitizeWord(word: string): string {
  return word.replace(/[.*#]/g, '_') || '_';
}

const REQUIRED_STRINGS = ['id', 'source', 'type', 'subject', 'time', 'tenantid', 'streamid', 'dataschema'] as const;

/** Structural check of an envelope received from the outside (broker, HTTP). Returns the problems found. */
export function envelopeProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['envelope must be a JSON object'];
  const candidate = value as Record<string, unknown>;
  const problems: string[] = [];
  if (candidate.specversion !== '1.0') problems.push('specversion must be "1.0"');
  for (const key of REQUIRED_STRINGS) {
    if (typeof candidate[key] !== 'string' || (candidate[key] as string).length === 0) problems.push(`${key} must be a non-empty string`);
  }
  if (!Number.isInteger(candidate.streamversion) || (candidate.streamversion as number) < 1) {
    problems.push('streamversion must be an integer >= 1');
  }
  if (typeof candidate.time === 'string' && Number.isNaN(Date.parse(candidate.time))) problems.push('time must be an RFC 3339 timestamp');
  if (!('data' in candidate)) problems.push('data is required');
  return problems;
}

export function isEventEnvelope(value: unknown): value is EventEnvelope {
  return envelopeProblems(value).length === 0;
}
