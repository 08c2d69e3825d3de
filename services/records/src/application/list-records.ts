import type { RecordsDeps } from './deps';
import type { RecordPage, RecordQuery } from './ports';
import { requireCollection } from './require-collection';

export async function listRecords(
  deps: Pick<RecordsDeps, 'collections' | 'records'>,
  tenantId: string,
  collectionName: string,
  query: RecordQuery,
): Promise<RecordPage> {
  const collection = await requireCollection(deps.collections, tenantId, collectionName);
  return deps.records.list(collection, query);
}
