import { HexbaseError, notFound } from '@hexbase/contracts';
import type { StoredRecord } from '../domain/record';
import type { RecordsDeps } from './deps';
import { getRecord } from './get-record';
import type { RecordHistory, RecordHistoryPage } from './ports';

export type RecordPoint = { version: number } | { asOf: Date };

type TimeTravelDeps = Pick<RecordsDeps, 'collections' | 'records' | 'history'>;

/**
 * A record as a read of it answered at a version or at a point in time: deleted versions only
 * with `includeDeleted`, as a plain read. Purged records have no past: their history is not
 * served. A version the record never had is 404 RECORD_VERSION_NOT_FOUND; a time before the
 * record was created is 404 RECORD_NOT_FOUND.
 */
export async function getRecordAt(deps: TimeTravelDeps, tenantId: string, collection: string, id: string, point: RecordPoint, options: { includeDeleted: boolean }): Promise<StoredRecord> {
  const current = await getRecord(deps, tenantId, collection, id, { includeDeleted: true });
  if ('version' in point && point.version > current.version) throw versionNotFound(id, point.version, current.version, '/query/atVersion');
  const record = await historyOf(deps).at(tenantId, collection, id, point, current.version);
  if (!record) throw notFound('RECORD_NOT_FOUND', `record ${id} did not exist in ${collection} at ${'asOf' in point ? point.asOf.toISOString() : `version ${point.version}`}`);
  if (record.deletedAt && !options.includeDeleted) throw notFound('RECORD_NOT_FOUND', `record ${id} was deleted at that point; ask with includeDeleted=true to see it`);
  return record;
}

/** The versions of a record from `fromVersion`, each with what it changed; deleted records included. */
export async function getRecordHistory(deps: TimeTravelDeps, tenantId: string, collection: string, id: string, page: { fromVersion: number; limit: number }): Promise<RecordHistoryPage> {
  const current = await getRecord(deps, tenantId, collection, id, { includeDeleted: true });
  if (page.fromVersion > current.version) return { items: [], nextVersion: undefined };
  return historyOf(deps).history(tenantId, collection, id, page, current.version);
}

export function versionNotFound(id: string, version: number, currentVersion: number, field: string): HexbaseError {
  return new HexbaseError('RECORD_VERSION_NOT_FOUND', 'not_found', `record ${id} has no version ${version}; its last version is ${currentVersion}`, [{ field, rule: 'maximum', message: `at most ${currentVersion}` }], {
    currentVersion,
  });
}

export function historyOf(deps: Pick<RecordsDeps, 'history'>): RecordHistory {
  if (!deps.history) throw new HexbaseError('TIME_TRAVEL_NOT_CONFIGURED', 'not_implemented', 'this records service is not connected to an event store');
  return deps.history;
}
