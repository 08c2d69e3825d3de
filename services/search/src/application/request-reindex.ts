import { notFound } from '@hexbase/contracts';
import type { RebuildProgress, Rebuilds } from './ports';

/** Queues a rebuild of a collection's index from the event store (409 REINDEX_RUNNING while one is pending or building). */
export async function requestReindex(rebuilds: Rebuilds, tenantId: string, collection: string): Promise<RebuildProgress> {
  if (!(await rebuilds.progress(tenantId, collection))) throw notFound('COLLECTION_NOT_FOUND', `the search index knows no collection ${collection}`);
  return rebuilds.request(tenantId, collection);
}
