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

/** A definition change as `update` commits it: the new definition and the event announcing it. */
export interface CollectionChange {
  collection: Collection;
  event: EventEnvelope;
}

/**
 * Collection definitions.
 * Guarantees: `create` fails with COLLECTION_EXISTS when the name is taken; `update` runs `change`
 * on the current definition under a lock and fails with COLLECTION_NOT_FOUND when it is missing.
 * Each commits the event that `announce` / `change` returns to the outbox in the same transaction
 * as the definition (a replayed Idempotency-Key writes nothing). Both create the indexes the
 * definition declares before they return; `update` may call `change` once more beforehand to
 * learn them, so `change` must have no effects of its own.
 */
export interface Collections {
  get(tenantId: string, name: string): Promise<Collection | undefined>;
  list(tenantId: string): Promise<Collection[]>;
  create(tenantId: string, definition: CollectionDefinition, announce: (created: Collection) => EventEnvelope, idempotency?: IdempotentRequest): Promise<WriteOutcome<Collection>>;
  update(tenantId: string, name: string, change: (current: Collection) => CollectionChange, idempotency?: IdempotentRequest): Promise<WriteOutcome<Collection>>;
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

/** A version of a record's data and what it changed, as the record history lists it. */
export interface RecordHistoryEntry {
  version: number;
  /** The event that made this version: `record.created`, `record.updated`... */
  type: string;
  time: string;
  eventId: string;
  /** JSON Patch (RFC 6902) operations from the previous version's data, each with the `previous` value it replaced or removed. */
  changes: Array<{ op: 'add' | 'remove' | 'replace'; path: string; value?: unknown; previous?: unknown }>;
  deletedAt: string | null;
}

export interface RecordHistoryPage {
  items: RecordHistoryEntry[];
  nextVersion: number | undefined;
}

/**
 * Earlier versions of records, rebuilt from their events by the event store.
 * Guarantees: each call names the version this service holds (`knownVersion`) and the answer
 * reflects at least that version (the event store waits, bounded, for it to arrive through the
 * bus). When the event store is down, slow or behind, a call fails within its timeout with a
 * HexbaseError of kind `unavailable` (a 503 with Retry-After), never hangs. `at` answers undefined
 * when the record did not exist yet at that time; a version the record never had is 404
 * RECORD_VERSION_NOT_FOUND.
 */
export interface RecordHistory {
  at(tenantId: string, collection: string, id: string, point: { version: number } | { asOf: Date }, knownVersion: number): Promise<StoredRecord | undefined>;
  history(tenantId: string, collection: string, id: string, page: { fromVersion: number; limit: number }, knownVersion: number): Promise<RecordHistoryPage>;
}
