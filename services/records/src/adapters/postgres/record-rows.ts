import type { StoredRecord } from '../../domain/record';

/** A row of the records table as pg returns it. */
export interface RecordRow {
  tenant_id: string;
  collection: string;
  id: string;
  data: Record<string, unknown>;
  version: number;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
  purged_at: Date | null;
}

export const RECORD_COLUMNS = 'tenant_id, collection, id, data, version, created_at, updated_at, deleted_at, purged_at';

export function recordFromRow(row: RecordRow): StoredRecord {
  return {
    tenantId: row.tenant_id,
    collection: row.collection,
    id: row.id,
    data: row.data,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
    purgedAt: row.purged_at,
  };
}

/** Stored records as JSON (for idempotent replays) and back. */
export function reviveRecord(json: Record<string, unknown>): StoredRecord {
  const date = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string));
  return {
    ...(json as unknown as StoredRecord),
    createdAt: date(json.createdAt)!,
    updatedAt: date(json.updatedAt)!,
    deletedAt: date(json.deletedAt),
    purgedAt: date(json.purgedAt),
  };
}
