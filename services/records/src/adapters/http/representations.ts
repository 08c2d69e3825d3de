import { encodeConsistencyToken, recordStreamId } from '@hexbase/contracts';
import type { Collection } from '../../domain/collection';
import type { StoredRecord } from '../../domain/record';

export function recordBody(record: StoredRecord) {
  return {
    id: record.id,
    collection: record.collection,
    version: record.version,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    deletedAt: record.deletedAt ? record.deletedAt.toISOString() : null,
    data: record.data,
  };
}

export function collectionBody(collection: Collection) {
  return {
    name: collection.name,
    description: collection.description,
    schema: collection.schema,
    uniqueFields: collection.uniqueFields,
    indexedFields: collection.indexedFields,
    search: collection.search ?? null,
    version: collection.version,
    createdAt: collection.createdAt.toISOString(),
    updatedAt: collection.updatedAt.toISOString(),
  };
}

export function consistencyTokenFor(record: StoredRecord): string {
  return encodeConsistencyToken({ tenantId: record.tenantId, streamId: recordStreamId(record.collection, record.id), version: record.version });
}

export const CONSISTENCY_TOKEN_HEADER = 'hexbase-consistency-token';
export const REPLAYED_HEADER = 'idempotent-replayed';
