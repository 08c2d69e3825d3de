import { validationError } from '@hexbase/contracts';
import { parseSearchQuery, withoutStopWords } from '../domain/search-query';
import type { FacetCount, SearchIndex } from './ports';
import { requireSearchable } from './require-searchable';
import { checkedFilter } from './search-records';

export interface FacetValuesInput {
  tenantId: string;
  collection: string;
  field: string;
  /** What the user typed into the facet's search box. */
  prefix: string;
  /** The search the facet belongs to, so counts match its hits. */
  query: string;
  filter?: string;
  typoTolerance: boolean;
  limit: number;
}

/** Searching within a facet's values: the values of one facetable field that start with the prefix, with their counts among the search's hits. */
export async function searchFacetValues(index: SearchIndex, input: FacetValuesInput): Promise<FacetCount[]> {
  const { settings } = await requireSearchable(index, input.tenantId, input.collection);
  if (!settings.facetableFields.includes(input.field)) {
    const message = `${input.field} is not a facetable field; facetable fields: ${settings.facetableFields.join(', ') || 'none'}`;
    throw validationError('INVALID_FACET', message, [{ field: '/params/field', rule: 'unknown_field', message }]);
  }
  const filter = input.filter ? checkedFilter(input.filter, settings) : undefined;
  return index.facetValues({
    tenantId: input.tenantId,
    collection: input.collection,
    field: input.field,
    prefix: input.prefix.normalize('NFKC').toLowerCase(),
    query: withoutStopWords(parseSearchQuery(input.query, '/query/query'), settings.stopWords),
    ...(filter ? { filter } : {}),
    typoTolerance: input.typoTolerance,
    limit: input.limit,
  });
}
