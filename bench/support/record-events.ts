import { RecordEventType, recordSchemaUri, recordStreamId, type EventEnvelope } from '@hexbase/contracts';
import { uuidV7Ids } from '@hexbase/ports';

export const BENCH_TENANT = 'default';

/** JSON Schema of the benchmark collection: a small product catalogue entry. */
export const PRODUCT_SCHEMA = {
  type: 'object',
  required: ['sku', 'name', 'price', 'quantity'],
  additionalProperties: false,
  properties: {
    sku: { type: 'string', pattern: '^SKU-[0-9]{8}$' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    price: { type: 'number', minimum: 0 },
    quantity: { type: 'integer', minimum: 0 },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 10 },
    active: { type: 'boolean' },
  },
} as const;

const COLOURS = ['red', 'green', 'blue', 'black', 'white'];
const SIZES = ['small', 'medium', 'large'];

/** The data of product number `n` (about 120 bytes of JSON). */
export function productData(n: number): Record<string, unknown> {
  return {
    sku: `SKU-${String(n % 100_000_000).padStart(8, '0')}`,
    name: `Widget ${n} ${COLOURS[n % COLOURS.length]}`,
    price: Math.round((n % 10_000) * 1.37) / 100,
    quantity: n % 250,
    tags: [COLOURS[n % COLOURS.length]!, SIZES[n % SIZES.length]!],
    active: n % 7 !== 0,
  };
}

export interface CreatedRecord {
  id: string;
  data: Record<string, unknown>;
  now: Date;
  envelope: EventEnvelope;
}

/** A new record and its record.created envelope, shaped exactly as the records service writes them. */
export function createdRecord(collection: string, data: Record<string, unknown>, now = new Date()): CreatedRecord {
  const id = uuidV7Ids.next();
  const streamId = recordStreamId(collection, id);
  const envelope: EventEnvelope = {
    specversion: '1.0',
    id: uuidV7Ids.next(),
    source: '/hexbase/records',
    type: RecordEventType.created,
    subject: streamId,
    time: now.toISOString(),
    datacontenttype: 'application/json',
    dataschema: recordSchemaUri(RecordEventType.created),
    data: { collection, id, version: 1, data },
    tenantid: BENCH_TENANT,
    streamid: streamId,
    streamversion: 1,
    // The service copies X-Correlation-Id, or the request id, onto every event.
    correlationid: uuidV7Ids.next(),
  };
  return { id, data, now, envelope };
}
