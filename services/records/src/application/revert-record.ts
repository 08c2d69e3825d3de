import type { RecordsDeps } from './deps';
import { getRecord } from './get-record';
import type { IdempotentRequest, RecordWriteResult, WriteContext, WriteOutcome } from './ports';
import { historyOf, versionNotFound } from './record-time-travel';
import { writeRecords } from './write-records';

/**
 * Restores a record's data to what it was at an earlier version, as a new write: a replace with
 * that data (If-Match and Idempotency-Key apply as to any replace), validated against the
 * collection's current schema, producing a normal record.updated event. Reverting to data equal to
 * the current data changes nothing; a deleted record must be restored first.
 */
export async function revertRecord(
  deps: RecordsDeps,
  context: WriteContext,
  collection: string,
  id: string,
  version: number,
  options: { expectedVersion?: number; idempotency?: IdempotentRequest },
): Promise<WriteOutcome<RecordWriteResult[]>> {
  const current = await getRecord(deps, context.tenantId, collection, id, { includeDeleted: true });
  if (version > current.version) throw versionNotFound(id, version, current.version, '/body/version');
  const earlier = await historyOf(deps).at(context.tenantId, collection, id, { version }, current.version);
  const data = earlier?.data ?? {};
  return writeRecords(deps, context, collection, [{ op: 'replace', id, data, ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}) }], {
    ...(options.idempotency ? { idempotency: options.idempotency } : {}),
    pointers: () => ({ dataPointer: '/body/version', versionPointer: '/headers/if-match' }),
  });
}
