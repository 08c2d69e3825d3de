import { notFound } from '@hexbase/contracts';
import type { RebuildProgress, Rebuilds } from './ports';

/** Queues a rebuild of a collection's index from the event store (409 REINDEX_RUNNING while one is pending or building). */
export async function requestReindex(rebuilds: Rebuilds, tenantId: string, collection: string): Promise<RebuildProgress> {
  if (!(await rebuilds.progress(tenantId, collection))) throw notFound('COLLECTION_NOT_FOUND', `the search index knows no collection ${collection}`);
  return rebuilds.request(tenantId, collection);
}

/** The newest rebuild of a collection's index, finished or not. */
export async function reindexProgress(rebuilds: Rebuilds, tenantId: string, collection: string): Promise<RebuildProgress> {
  const progress = await rebuilds.progress(tenantId, collection);
  if (!progress) throw notFound('COLLECTION_NOT_FOUND', `the search index knows no collection ${collection}`);
  return progress;
}
