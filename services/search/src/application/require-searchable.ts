import { notFound } from '@hexbase/contracts';
import type { SearchSettings } from '../domain/index-settings';
import type { IndexState, SearchIndex } from './ports';

/** The index state of a collection that can be searched: 404 for one the index has never heard of, or one without search settings. */
export async function requireSearchable(index: Pick<SearchIndex, 'stateOf'>, tenantId: string, collection: string): Promise<IndexState & { settings: SearchSettings }> {
  const state = await index.stateOf(tenantId, collection);
  if (!state) throw notFound('COLLECTION_NOT_FOUND', `the search index knows no collection ${collection}`);
  if (!state.settings) throw notFound('SEARCH_NOT_ENABLED', `collection ${collection} has no search settings; add them to its definition`);
  return { ...state, settings: state.settings };
}
