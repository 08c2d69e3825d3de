import type { EventEnvelope, FieldViolation } from '@hexbase/contracts';
import type { Collection, CollectionDefinition } from '../domain/collection';
import type { RecordChange, RecordCommand, StoredRecord } from '../domain/record';
import type { FilterExpression } from '@hexbase/filter';

/** A write made with an Idempotency-Key: the same key and fingerprint replay the stored result. */
export interface IdempotentRequest {
  key: string;
  /** Hash of method, path and body: the same key with another fingerprint is refused. */
  fingerprint: string;
}

/** What a write returns, or the result of its first run when the Idempotency-Key was seen. */
export type WriteOutcome<T> = { replayed: false; result: T } | { replayed: true; result: T };

/**
 * Collection definitions.
 * Guarantees: `create` fails with COLLECTION_EXISTS when the name is taken; `update` runs `change`
 * on the current definition under a lock and fails with COLLECTION_NOT_FOUND when it is missing.
 * Both create the indexes the definition declares before they return.
 */
export interface Collections {
  get(tenantId: string, name: string): Promise<Collection | undefined>;
  list(tenantId: string): Promise<Collection[]>;
  create(tenantId: string, definition: CollectionDefinition, idempotency?: IdempotentRequest): Promise<WriteOutcome<Collection>>;
  update(tenantId: string, name: string, change: (current: Collection) => Collection, idempotency?: IdempotentRequest): Promise<WriteOutcome<Collection>>;
}

export interface RecordPage {
  records: StoredRecord[];
  /** Opaque cursor for the next page; undefined on the last page. */
  nextCursor: string | undefined;
  total?: number;
}

export interface RecordQuery {
  filter?: FilterExpression;
  /** A system field (`id`, `createdAt`, `updatedAt`, `version`) or a dotted data field. */
  sortField: string;
  descending: boolean;
  limit: number;
  cursor?: string;
  includeTotal: boolean;
  includeDeleted: boolean;
}

/** What `decide` hands back: the changes and the events (envelopes) that describe them. */
export interface DecidedChanges {
  changes: RecordChange[];
  events: EventEnvelope[];
}

/** One command's result as answered to the client (and stored for Idempotency-Key replays). */
export interface RecordWriteResult {
  op: RecordCommand['op'];
  record: StoredRecord;
  /** False when the command changed nothing (same data, delete of a deleted record...). */
  changed: boolean;
}

/**
 * Records and their outbox.
 * Guarantees: `change` locks the named records, hands their current state (purged tombstones
 * included, missing ids absent) to `decide`, and commits the new states, the events (into the
 * outbox) and the claimed unique values in ONE transaction; if `decide` throws, nothing is written.
 * A unique value already held by another live record fails the whole call with UNIQUE_VIOLATION.
 * `get` returns any stored row, purged tombstones and deleted records included (callers decide what
 * to show); `list` never returns purged records, and deleted ones only when asked.
 */
export interface RecordStore {
  change(
    collection: Collection,
    ids: string[],
    decide: (current: Map<string, StoredRecord>) => DecidedChanges,
    idempotency?: IdempotentRequest,
  ): Promise<WriteOutcome<RecordWriteResult[]>>;
  get(tenantId: string, collection: string, id: string): Promise<StoredRecord | undefined>;
  list(collection: Collection, query: RecordQuery): Promise<RecordPage>;
}

/** Validates record data against a collection's JSON Schema. Compiled schemas may be cached by version. */
export interface SchemaValidator {
  /** Violations of the schema itself (rejected at collection definition time). */
  checkSchema(schema: Record<string, unknown>): FieldViolation[];
  validate(collection: Collection, data: Record<string, unknown>): FieldViolation[];
}

/** Context of the request a change comes from, carried into the events it produces. */
export interface WriteContext {
  tenantId: string;
  correlationId?: string;
  causationId?: string;
  traceparent?: string;
}
