import { notFound } from '@hexbase/contracts';
import type { RebuildProgress, Rebuilds } from './ports';

/** The newest rebuild of a collection's index, finished or not. */
export async function reindexProgress(rebuilds: Rebuilds, tenantId: string, collection: string): Promise<RebuildProgress> {
  const progress = await rebuilds.progress(tenantId, collection);
  if (!progress) throw notFound('COLLECTION_NOT_FOUND', `the search index knows no collection ${collection}`);
  return progress;
}
