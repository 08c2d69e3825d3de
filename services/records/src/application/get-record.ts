import { notFound } from '@hexbase/contracts';
import type { StoredRecord } from '../domain/record';
import type { RecordsDeps } from './deps';
import { requireCollection } from './require-collection';

export async function getRecord(
  deps: Pick<RecordsDeps, 'collections' | 'records'>,
  tenantId: string,
  collectionName: string,
  id: string,
  options: { includeDeleted: boolean },
): Promise<StoredRecord> {
  await requireCollection(deps.collections, tenantId, collectionName);
  const record = await deps.records.get(tenantId, collectionName, id);
  if (!record || record.purgedAt || (record.deletedAt && !options.includeDeleted)) {
    throw notFound('RECORD_NOT_FOUND', `record ${id} does not exist in ${collectionName}`);
  }
  return record;
}
