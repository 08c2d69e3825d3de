import type { EventEnvelope } from '@hexbase/contracts';
import { evaluateFilter, type SystemFieldReader } from '@hexbase/filter';
import type { Collection } from '../../domain/collection';
import { uniqueViolation, valueAtPath } from '../../domain/collection';
import type { StoredRecord } from '../../domain/record';
import type { IdempotentRequest, RecordPage, RecordQuery, RecordStore, RecordWriteResult, WriteOutcome } from '../../application/ports';
import { compareJsonb } from './jsonb-order';
import { MemoryIdempotency } from './memory-idempotency';

/** In-memory twin of the PostgreSQL record store, for unit tests of the use cases. */
export interface MemoryRecordStore extends RecordStore {
  /** Events written to the outbox, in commit order. */
  readonly outbox: EventEnvelope[];
}

const key = (tenantId: string, collection: string, id: string) => `${tenantId}\u0000${collection}\u0000${id}`;

export function createMemoryRecordStore(): MemoryRecordStore {
  const records = new Map<string, StoredRecord>();
  const uniqueValues = new Map<string, string>();
  const idempotency = new MemoryIdempotency<RecordWriteResult[]>();
  const outbox: EventEnvelope[] = [];
  let lock = Promise.resolve();

  async function exclusive<T>(work: () => T): Promise<T> {
    const previous = lock;
    let release!: () => void;
    lock = new Promise((resolve) => (release = resolve));
    await previous;
    try {
      return work();
    } finally {
      release();
    }
  }

  function claimUnique(collection: Collection, written: StoredRecord[], claims: Map<string, string>): void {
    for (const record of written) {
      for (const [claimKey, holder] of claims) if (holder === key(record.tenantId, record.collection, record.id)) claims.delete(claimKey);
    }
    for (const record of written) {
      if (record.deletedAt || record.purgedAt) continue;
      for (const field of collection.uniqueFields) {
        const value = valueAtPath(record.data, field);
        if (value === undefined || value === null) continue;
        const claimKey = `${collection.tenantId}\u0000${collection.name}\u0000${field}\u0000${JSON.stringify(value)}`;
        const holder = key(record.tenantId, record.collection, record.id);
        const existing = claims.get(claimKey);
        if (existing && existing !== holder) {
          throw uniqueViolation(collection.name, field, JSON.stringify(value), record.id);
        }
        claims.set(claimKey, holder);
      }
    }
  }

  return {
    outbox,

    change(collection, ids, decide, request?: IdempotentRequest): Promise<WriteOutcome<RecordWriteResult[]>> {
      return exclusive(() =>
        idempotency.run(collection.tenantId, request, () => {
          const current = new Map<string, StoredRecord>();
          for (const id of ids) {
            const record = records.get(key(collection.tenantId, collection.name, id));
            if (record) current.set(id, record);
          }
          const decided = decide(current);
          const written = new Map<string, StoredRecord>();
          for (const change of decided.changes) if (change.event) written.set(change.after.id, change.after);
          const claims = new Map(uniqueValues);
          claimUnique(collection, [...written.values()], claims);
          uniqueValues.clear();
          for (const [claimKey, holder] of claims) uniqueValues.set(claimKey, holder);
          for (const record of written.values()) records.set(key(record.tenantId, record.collection, record.id), record);
          outbox.push(...decided.events);
          return decided.changes.map((change) => ({ op: change.command.op, record: change.after, changed: change.event !== undefined }));
        }),
      );
    },

    async get(tenantId, collection, id) {
      return records.get(key(tenantId, collection, id));
    },

    async list(collection, query: RecordQuery): Promise<RecordPage> {
      const sortValue = (record: StoredRecord): unknown =>
        query.sortField in record && query.sortField !== 'data' ? (record as unknown as Record<string, unknown>)[query.sortField] : (valueAtPath(record.data, query.sortField) ?? null);
      const matching = [...records.values()].filter(
        (record) =>
          record.tenantId === collection.tenantId &&
          record.collection === collection.name &&
          !record.purgedAt &&
          (query.includeDeleted || !record.deletedAt) &&
          (!query.filter || evaluateFilter(query.filter, record.data, { systemFields: systemFieldsOf(record) })),
      );
      const direction = query.descending ? -1 : 1;
      matching.sort((left, right) => direction * (compareJsonb(sortValue(left), sortValue(right)) || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0)));
      let start = 0;
      if (query.cursor) {
        const [sortAfter, idAfter] = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8')) as [unknown, string];
        start = matching.findIndex((record) => direction * (compareJsonb(sortValue(record), sortAfter) || (record.id < idAfter ? -1 : record.id > idAfter ? 1 : 0)) > 0);
        if (start < 0) start = matching.length;
      }
      const page = matching.slice(start, start + query.limit);
      const last = page[page.length - 1];
      const hasMore = start + query.limit < matching.length;
      return {
        records: page,
        nextCursor: hasMore && last ? Buffer.from(JSON.stringify([sortValue(last), last.id])).toString('base64url') : undefined,
        ...(query.includeTotal ? { total: matching.length } : {}),
      };
    },
  };
}

function systemFieldsOf(record: StoredRecord): Record<string, SystemFieldReader> {
  return {
    id: { type: 'text', read: () => record.id },
    version: { type: 'integer', read: () => record.version },
    createdAt: { type: 'timestamptz', read: () => record.createdAt.toISOString() },
    updatedAt: { type: 'timestamptz', read: () => record.updatedAt.toISOString() },
    deletedAt: { type: 'timestamptz', read: () => record.deletedAt?.toISOString() ?? null },
  };
}
