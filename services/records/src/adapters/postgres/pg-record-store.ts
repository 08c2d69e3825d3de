import type pg from 'pg';
import { conflict, type EventEnvelope } from '@hexbase/contracts';
import type { Collection } from '../../domain/collection';
import type { StoredRecord } from '../../domain/record';
import type { DecidedChanges, IdempotentRequest, RecordStore, RecordWriteResult, WriteOutcome } from '../../application/ports';
import { claimIdempotencyKey, isPgError, storeIdempotentResult, UNIQUE_VIOLATION, type SqlClient } from './pg-idempotency';
import { inTransaction } from '@hexbase/db';
import { CLAIM_UNIQUE_VALUES_SQL } from './unique-values-sql';
import { uniqueViolation } from '../../domain/collection';
import { listRecordPage } from './pg-record-query';
import { RECORD_COLUMNS, recordFromRow, reviveRecord, type RecordRow } from './record-rows';

/** Channel the relay LISTENs on; notified after every commit that appended events. */
export const OUTBOX_CHANNEL = 'hexbase_records_outbox';

/** Records in PostgreSQL (schema `records`), with the transactional outbox written alongside. */
export function createPgRecordStore(pool: pg.Pool): RecordStore {
  const wakeRelay = relayWakeUps(pool);
  return {
    async change(collection, ids, decide, idempotency) {
      try {
        const { outcome, appendedEvents } = await inTransaction(pool, (client) => changeInTransaction(client, collection, ids, decide, idempotency));
        if (appendedEvents) wakeRelay();
        return outcome;
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
): Promise<{ outcome: WriteOutcome<RecordWriteResult[]>; appendedEvents: boolean }> {
  if (idempotency) {
    const stored = await claimIdempotencyKey(client, collection.tenantId, idempotency);
    if (stored !== undefined) {
      const results = (stored as Array<RecordWriteResult & { record: Record<string, unknown> }>).map((result) => ({ ...result, record: reviveRecord(result.record) }));
      return { outcome: { replayed: true, result: results }, appendedEvents: false };
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

  await writeRecordsAndEvents(client, created, updated, decided.events);
  await claimUniqueValues(client, collection, [...finalStates.values()]);

  const results: RecordWriteResult[] = decided.changes.map((change) => ({ op: change.command.op, record: change.after, changed: change.event !== undefined }));
  if (idempotency) await storeIdempotentResult(client, collection.tenantId, idempotency, results);
  return { outcome: { replayed: false, result: results }, appendedEvents: decided.events.length > 0 };
}

/** Column types of a records row, for the VALUES list an UPDATE reads from. */
const RECORD_COLUMN_TYPES = ['text', 'text', 'text', 'jsonb', 'int', 'timestamptz', 'timestamptz', 'timestamptz', 'timestamptz'];

/**
 * Inserts the created records, updates the changed ones and appends the events to the outbox in
 * ONE statement: every round trip holds the transaction (and its row locks) open a little longer.
 * The data-modifying CTEs touch disjoint rows, so their order does not matter; a duplicate id
 * still fails on records_pkey. Values travel as plain parameters, not arrays: arrays cost an
 * escaping pass in the driver and a parse in the server. 9 parameters per record and 3 per event
 * keep a bulk write of MAX_BULK_OPERATIONS (1000) at 12,000, well under PostgreSQL's 65,535.
 */
async function writeRecordsAndEvents(client: SqlClient, created: StoredRecord[], updated: StoredRecord[], events: EventEnvelope[]): Promise<void> {
  const steps: string[] = [];
  const values: unknown[] = [];
  const rowsOf = (rows: unknown[][], types: string[] = []) =>
    rows
      .map((row) => {
        const placeholders = row.map((value, index) => {
          values.push(value);
          return types[index] ? `$${values.length}::${types[index]}` : `$${values.length}`;
        });
        return `(${placeholders.join(', ')})`;
      })
      .join(', ');
  if (created.length > 0) {
    steps.push(`INSERT INTO records (${RECORD_COLUMNS}) VALUES ${rowsOf(created.map(recordValues))}`);
  }
  if (updated.length > 0) {
    steps.push(`UPDATE records AS r SET data = u.data, version = u.version, updated_at = u.updated_at, deleted_at = u.deleted_at, purged_at = u.purged_at
      FROM (VALUES ${rowsOf(updated.map(recordValues), RECORD_COLUMN_TYPES)}) AS u(${RECORD_COLUMNS})
      WHERE r.tenant_id = u.tenant_id AND r.collection = u.collection AND r.id = u.id`);
  }
  if (events.length > 0) {
    steps.push(`INSERT INTO outbox (event_id, stream_id, envelope) VALUES ${rowsOf(events.map((event) => [event.id, event.streamid, JSON.stringify(event)]))}`);
  }
  if (steps.length === 0) return;
  await client.query(`WITH ${steps.map((step, index) => `step_${index} AS (${step})`).join(',\n  ')}\nSELECT 1`, values);
}

/** A record's columns in RECORD_COLUMNS order. */
function recordValues(record: StoredRecord): unknown[] {
  return [record.tenantId, record.collection, record.id, JSON.stringify(record.data), record.version, record.createdAt, record.updatedAt, record.deletedAt, record.purgedAt];
}

/**
 * Wakes the relay after commits that appended events. The NOTIFY is sent after the commit, not
 * inside the write transaction: PostgreSQL serializes the commits of all notifying transactions
 * (one lock for the whole server, held until the commit record is flushed), which would cap
 * writes at one WAL flush each. At most one NOTIFY is in flight; rings that come meanwhile are folded into one
 * more, sent once it returns, so every commit is followed by a NOTIFY that started after it. A
 * lost wake-up (the process dies after the commit, the NOTIFY fails) only delays the events until
 * the relay's next poll.
 */
function relayWakeUps(pool: pg.Pool): () => void {
  let inFlight = false;
  let rungAgain = false;
  const ring = (): void => {
    if (inFlight) {
      rungAgain = true;
      return;
    }
    inFlight = true;
    rungAgain = false;
    pool
      .query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`)
      .catch(() => undefined)
      .finally(() => {
        inFlight = false;
        if (rungAgain) ring();
      });
  };
  return ring;
}

/**
 * Keeps unique_values in step with the records just written: live records hold their values,
 * deleted and purged ones release them. A value held by another record fails the transaction.
 */
async function claimUniqueValues(client: SqlClient, collection: Collection, records: StoredRecord[]): Promise<void> {
  if (collection.uniqueFields.length === 0 || records.length === 0) return;
  const ids = records.map((record) => record.id);
  await client.query('DELETE FROM unique_values WHERE tenant_id = $1 AND collection = $2 AND record_id = ANY($3::text[])', [collection.tenantId, collection.name, ids]);
  const { rows } = await client.query<{ field: string; value: string; record_id: string }>(CLAIM_UNIQUE_VALUES_SQL, [collection.tenantId, collection.name, collection.uniqueFields, ids]);
  if (rows[0]) throw uniqueViolation(collection.name, rows[0].field, rows[0].value, rows[0].record_id);
}
