import { HexbaseError, validationError } from '@hexbase/contracts';
import { filterFields, formatFieldPath, parseFilter, type FilterExpression } from '@hexbase/filter';
import type { SearchSettings } from '../domain/index-settings';
import { MAX_RESULT_WINDOW, decodePageCursor, encodePageCursor } from '../domain/page-cursor';
import { parseSearchQuery, withoutStopWords } from '../domain/search-query';
import type { SearchIndex, SearchResult } from './ports';
import { requireSearchable } from './require-searchable';
import { waitUntilIndexed } from './wait-until-indexed';

export interface SearchInput {
  tenantId: string;
  collection: string;
  q: string;
  filter?: string;
  facets: string[];
  /** `field` or `-field` (a sortable field), or `relevance`. */
  sort: string;
  limit: number;
  offset?: number;
  cursor?: string;
  typoTolerance: boolean;
  highlight: boolean;
  consistencyToken?: { token: string; field: string };
}

export interface SearchAnswer extends SearchResult {
  offset: number;
  limit: number;
  nextCursor: string | null;
}

export interface SearchDeps {
  index: SearchIndex;
  consistencyTimeoutMs: number;
}

/**
 * Searches a collection: waits for the consistency token if one is given, checks the query, filter,
 * facets and sort against the collection's settings (400 naming the field otherwise), and asks
 * the index for one page of hits, the total and the facet counts.
 */
export async function searchRecords(deps: SearchDeps, input: SearchInput): Promise<SearchAnswer> {
  if (input.consistencyToken) {
    await waitUntilIndexed(deps.index, input.tenantId, input.collection, input.consistencyToken.token, { timeoutMs: deps.consistencyTimeoutMs, field: input.consistencyToken.field });
  }
  const { settings } = await requireSearchable(deps.index, input.tenantId, input.collection);
  const query = withoutStopWords(parseSearchQuery(input.q), settings.stopWords);
  const filter = input.filter ? checkedFilter(input.filter, settings) : undefined;
  const facets = checkedFacets(input.facets, settings);
  const sort = checkedSort(input.sort, settings);

  const queryKey = JSON.stringify([input.q, input.filter ?? '', input.sort]);
  const offset = input.cursor !== undefined ? decodePageCursor(input.cursor, queryKey) : (input.offset ?? 0);
  if (offset + input.limit > MAX_RESULT_WINDOW) {
    throw validationError('RESULT_WINDOW_EXCEEDED', `a search serves its first ${MAX_RESULT_WINDOW} hits; narrow it with a filter`, [
      { field: input.cursor !== undefined ? '/query/cursor' : '/query/offset', rule: 'maximum', message: `offset + limit must be at most ${MAX_RESULT_WINDOW}` },
    ]);
  }

  const result = await deps.index.search({
    tenantId: input.tenantId,
    collection: input.collection,
    query,
    ...(filter ? { filter } : {}),
    facets,
    ...(sort ? { sort } : {}),
    limit: input.limit,
    offset,
    typoTolerance: input.typoTolerance,
    highlight: input.highlight,
  });
  const next = offset + result.hits.length;
  return { ...result, offset, limit: input.limit, nextCursor: result.hits.length === input.limit && next < result.total && next < MAX_RESULT_WINDOW ? encodePageCursor(next, queryKey) : null };
}

/** A filter in the shared language, on filterable fields only (INVALID_FILTER, rule unknown_field, naming the field). */
export function checkedFilter(text: string, settings: SearchSettings, parameter = '/query/filter'): FilterExpression {
  const filter = parseFilter(text, { parameter });
  const allowed = new Set(settings.filterableFields);
  const unknown = filterFields(filter).find((path) => !allowed.has(path.join('.')));
  if (unknown) {
    const message = `The field ${formatFieldPath(unknown)} is not filterable; filterable fields: ${settings.filterableFields.join(', ') || 'none'}`;
    throw validationError('INVALID_FILTER', `Invalid filter in '${parameter}': ${message}`, [{ field: parameter, rule: 'unknown_field', message }]);
  }
  return filter;
}

function checkedFacets(facets: string[], settings: SearchSettings): string[] {
  const unknown = facets.find((field) => !settings.facetableFields.includes(field));
  if (unknown !== undefined) {
    const message = `${unknown} is not a facetable field; facetable fields: ${settings.facetableFields.join(', ') || 'none'}`;
    throw validationError('INVALID_FACET', message, [{ field: '/query/facets', rule: 'unknown_field', message }]);
  }
  return [...new Set(facets)];
}

function checkedSort(sort: string, settings: SearchSettings): { field: string; descending: boolean } | undefined {
  if (sort === 'relevance') return undefined;
  const descending = sort.startsWith('-');
  const field = descending ? sort.slice(1) : sort;
  if (!settings.sortableFields.includes(field)) {
    const message = `${field} is not a sortable field; sort by relevance or by one of: ${settings.sortableFields.join(', ') || 'none'}`;
    throw new HexbaseError('INVALID_SORT', 'validation', message, [{ field: '/query/sort', rule: 'unknown_field', message }]);
  }
  return { field, descending };
}
