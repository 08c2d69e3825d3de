import type pg from 'pg';
import { conflict, type EventEnvelope } from '@hexbase/contracts';
import type { Collection } from '../../domain/collection';
import type { StoredRecord } from '../../domain/record';
import type { DecidedChanges, IdempotentRequest, RecordStore, RecordWriteResult, WriteOutcome } from '../../application/ports';
import { claimIdempotencyKey, isPgError, storeIdempotentResult, UNIQUE_VIOLATION, type SqlClient } from './pg-idempotency';
import { inTransaction } from './pg-transaction';
import { CLAIM_UNIQUE_VALUES_SQL, uniqueViolation } from './unique-values-sql';
import { listRecordPage } from './pg-record-query';
import { RECORD_COLUMNS, recordFromRow, reviveRecord, type RecordRow } from './record-rows';

/** Channel the relay LISTENs on; notified in the same transaction as the outbox rows. */
export const OUTBOX_CHANNEL = 'hexbase_records_outbox';

/** Records in PostgreSQL (schema `records`), with the transactional outbox written alongside. */
export function createPgRecordStore(pool: pg.Pool): RecordStore {
  return {
    async change(collection, ids, decide, idempotency) {
      try {
        return await inTransaction(pool, (client) => changeInTransaction(client, collection, ids, decide, idempotency));
      } catch (error) {
        if (isPgError(error, UNIQUE_VIOLATION) && error.constraint === 'records_pkey') {
          throw conflict('RECORD_EXISTS', 'a record with this id was created at the same time', {});
        }
        throw error;
      }
    },

    async get(tenantId, collection, id) {
      const { rows } = await pool.query<RecordRow>(`SELECT ${RECORD_COLUMNS} FROM records WHERE tenant_id = $1 AND collection = $2 AND id = $3`, [tenantId, collection, id]);
      return rows[0] ? recordFromRow(rows[0]) : undefined;
    },

    list: (collection, query) => listRecordPage(pool, collection, query),
  };
}

async function changeInTransaction(
  client: pg.PoolClient,
  collection: Collection,
  ids: string[],
  decide: (current: Map<string, StoredRecord>) => DecidedChanges,
  idempotency: IdempotentRequest | undefined,
): Promise<WriteOutcome<RecordWriteResult[]>> {
  if (idempotency) {
    const stored = await claimIdempotencyKey(client, collection.tenantId, idempotency);
    if (stored !== undefined) {
      const results = (stored as Array<RecordWriteResult & { record: Record<string, unknown> }>).map((result) => ({ ...result, record: reviveRecord(result.record) }));
      return { replayed: true, result: results };
    }
  }
  const { rows } = await client.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM records WHERE tenant_id = $1 AND collection = $2 AND id = ANY($3::text[]) ORDER BY id FOR UPDATE`,
    [collection.tenantId, collection.name, ids],
  );
  const current = new Map(rows.map((row) => [row.id, recordFromRow(row)]));
  const decided = decide(current);

  const finalStates = new Map<string, StoredRecord>();
  for (const change of decided.changes) if (change.event) finalStates.set(change.after.id, change.after);
  const created = [...finalStates.values()].filter((record) => !current.has(record.id));
  const updated = [...finalStates.values()].filter((record) => current.has(record.id));

  await insertRecords(client, created);
  await updateRecords(client, updated);
  await claimUniqueValues(client, collection, [...finalStates.values()]);
  await appendToOutbox(client, decided.events);

  const results: RecordWriteResult[] = decided.changes.map((change) => ({ op: change.command.op, record: change.after, changed: change.event !== undefined }));
  if (idempotency) await storeIdempotentResult(client, collection.tenantId, idempotency, results);
  return { replayed: false, result: results };
}

async function insertRecords(client: SqlClient, records: StoredRecord[]): Promise<void> {
  if (records.length === 0) return;
  await client.query(
    `INSERT INTO records (tenant_id, collection, id, data, version, created_at, updated_at, deleted_at, purged_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::int[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[])`,
    columnsOf(records),
  );
}

async function updateRecords(client: SqlClient, records: StoredRecord[]): Promise<void> {
  if (records.length === 0) return;
  await client.query(
    `UPDATE records AS r SET data = u.data, version = u.version, updated_at = u.updated_at, deleted_at = u.deleted_at, purged_at = u.purged_at
     FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::int[], $6::timestamptz[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[])
       AS u(tenant_id, collection, id, data, version, created_at, updated_at, deleted_at, purged_at)
     WHERE r.tenant_id = u.tenant_id AND r.collection = u.collection AND r.id = u.id`,
    columnsOf(records),
  );
}

function columnsOf(records: StoredRecord[]): unknown[] {
  return [
    records.map((record) => record.tenantId),
    records.map((record) => record.collection),
    records.map((record) => record.id),
    records.map((record) => JSON.stringify(record.data)),
    records.map((record) => record.version),
    records.map((record) => record.createdAt),
    records.map((record) => record.updatedAt),
    records.map((record) => record.deletedAt),
    records.map((record) => record.purgedAt),
  ];
}

/**
 * Keeps unique_values in step with the records just written: live records hold their values,
 * deleted and purged ones release them. A value held by another record fails the transaction.
 */
async function claimUniqueValues(client: SqlClient, collection: Collection, records: StoredRecord[]): Promise<void> {
  if (collection.uniqueFields.length === 0 || records.length === 0) return;
  const ids = records.map((record) => record.id);
  await client.query('DELETE FROM unique_values WHERE tenant_id = $1 AND collection = $2 AND record_id = ANY($3::text[])', [collection.tenantId, collection.name, ids]);
  const { rows } = await client.query<{ field: string; value: string }>(CLAIM_UNIQUE_VALUES_SQL, [collection.tenantId, collection.name, collection.uniqueFields, ids]);
  if (rows[0]) throw uniqueViolation(collection.name, rows[0]);
}

async function appendToOutbox(client: SqlClient, events: EventEnvelope[]): Promise<void> {
  if (events.length === 0) return;
  await client.query(
    `INSERT INTO outbox (event_id, stream_id, envelope) SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[])`,
    [events.map((event) => event.id), events.map((event) => event.streamid), events.map((event) => JSON.stringify(event))],
  );
  await client.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
}
