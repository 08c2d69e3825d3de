import { notFound } from '@hexbase/contracts';
import { evaluateFilter, type FilterExpression } from '@hexbase/filter';
import { expandQuery, typoCandidatesOf } from '../../domain/expand-query';
import { markedAsHtml, openingWords, searchableFieldsOf } from '../../domain/highlight';
import type { FacetValue } from '../../domain/indexed-document';
import { needsRebuild } from '../../domain/index-settings';
import type { SearchQuery } from '../../domain/search-query';
import { typoCorrections } from '../../domain/typos';
import type { FacetCount, FacetResult, GenerationBuilder, IndexUpdates, Rebuilds, SearchIndex } from '../../application/ports';
import { createMemoryIndexState, type MemoryDocument } from './memory-index-state';
import { createMemoryRebuilds } from './memory-rebuilds';
import { markMatches, scoreOf, snippetOf } from './memory-text-match';

export type MemorySearch = SearchIndex & IndexUpdates & Rebuilds & GenerationBuilder;

const FACET_VALUES_SHOWN = 20;
const SNIPPET_WORDS = 24;

/**
 * In-memory twin of the PostgreSQL search index, for unit tests of the use cases. Same contract,
 * with these differences: no stemming and no language stop words (every language behaves like
 * `simple`), and scores are a weighted count of matches rather than ts_rank_cd's cover density.
 */
export function createMemorySearch(options: { now?: () => number; maxAttempts?: number } = {}): MemorySearch {
  const state = createMemoryIndexState(options.now ?? Date.now);
  const { indexes, key, indexFor, liveGenerations, applyTo, generationOf } = state;

  /** What a search reads: the active generation's settings, matching documents and corrections. */
  function plan(request: { tenantId: string; collection: string; query: SearchQuery; filter?: FilterExpression; typoTolerance: boolean }) {
    const index = indexes.get(key(request.tenantId, request.collection));
    if (!index) throw notFound('COLLECTION_NOT_FOUND', `the search index knows no collection ${request.collection}`);
    const generation = index.generations.get(index.active)!;
    const settings = generation.settings;
    if (!settings) throw notFound('SEARCH_NOT_ENABLED', `collection ${request.collection} has no search settings; add them to its definition`);
    const corrections = new Map<string, string[]>();
    if (request.typoTolerance) {
      const prefixes = new Set(request.query.clauses.flatMap((clause) => (clause.kind === 'match' ? clause.alternatives : [])).flatMap((term) => (term.kind === 'word' && term.prefix ? [term.word] : [])));
      for (const word of typoCandidatesOf(request.query)) {
        const known = prefixes.has(word) ? [...generation.lexicon].some((indexed) => indexed.startsWith(word)) : generation.lexicon.has(word);
        if (known) continue;
        const found = typoCorrections(word, generation.lexicon);
        if (found.length > 0) corrections.set(word, found);
      }
    }
    const expanded = expandQuery(request.query, { synonyms: settings.synonyms, corrections });
    const matches: Array<{ document: MemoryDocument; score: number }> = [];
    for (const document of generation.documents.values()) {
      if (document.deleted) continue;
      if (request.filter && !evaluateFilter(request.filter, document.data)) continue;
      const score = scoreOf(expanded, document.words, settings);
      if (score !== undefined) matches.push({ document, score });
    }
    return { settings, expanded, matches, corrections: Object.fromEntries(corrections) };
  }

  return {
    ...createMemoryRebuilds(state, options.maxAttempts ?? 5),

    async stateOf(tenantId, collection) {
      const index = indexes.get(key(tenantId, collection));
      if (!index) return undefined;
      const active = index.generations.get(index.active)!;
      return { generation: index.active, settings: active.settings, settingsVersion: active.settingsVersion };
    },

    async indexedVersion(tenantId, collection, recordId) {
      const index = indexes.get(key(tenantId, collection));
      return index?.generations.get(index.active)!.documents.get(recordId)?.version ?? 0;
    },

    async search(request) {
      const { settings, expanded, matches, corrections } = plan(request);
      const sort = request.sort;
      matches.sort((left, right) => {
        if (sort) {
          const leftValue = valueAt(left.document.data, sort.field);
          const rightValue = valueAt(right.document.data, sort.field);
          if ((leftValue === undefined) !== (rightValue === undefined)) return leftValue === undefined ? 1 : -1;
          const order = compareJson(leftValue, rightValue) || (left.document.recordId < right.document.recordId ? -1 : 1);
          return sort.descending ? -order : order;
        }
        return right.score - left.score || (left.document.recordId < right.document.recordId ? -1 : 1);
      });
      const fields = settings.searchableFields.map((searchable) => searchable.field);
      const hits = matches.slice(request.offset, request.offset + request.limit).map(({ document, score }) => {
        const hit: { id: string; version: number; score: number; data: Record<string, unknown>; highlights?: Record<string, unknown>; snippet?: string } = {
          id: document.recordId,
          version: document.version,
          score,
          data: document.data,
        };
        if (request.highlight) {
          const marked = markStrings(searchableFieldsOf(document.data, fields), expanded);
          hit.highlights = markedAsHtml(marked);
          const text = [document.indexed.texts.A, document.indexed.texts.B, document.indexed.texts.C, document.indexed.texts.D].filter(Boolean).join('\n');
          hit.snippet = markedAsHtml(expanded.clauses.length > 0 ? snippetOf(markMatches(text, expanded), SNIPPET_WORDS) : openingWords(text, SNIPPET_WORDS));
        }
        return hit;
      });
      const facets: Record<string, FacetResult> = {};
      for (const field of request.facets) facets[field] = facetOf(matches.map((match) => match.document.indexed.facets[field] ?? []));
      return { hits, total: matches.length, facets, corrections };
    },

    async facetValues(request) {
      const { matches } = plan(request);
      const counts = countValues(matches.map((match) => match.document.indexed.facets[request.field] ?? []));
      return counts
        .filter(({ value }) => {
          const text = String(value).toLowerCase();
          return request.prefix === '' || text.startsWith(request.prefix) || text.includes(` ${request.prefix}`);
        })
        .slice(0, request.limit);
    },

    async applyRecordChange(change) {
      const index = indexFor(change.tenantId, change.collection);
      let applied = false;
      for (const generation of liveGenerations(index)) {
        const written = applyTo(generation, change);
        if (generation.generation === index.active) applied = written;
      }
      return applied ? 'applied' : 'stale';
    },

    async applySettings(change) {
      const index = indexFor(change.tenantId, change.collection);
      if (change.version <= index.settingsVersion) return 'stale';
      index.settings = change.settings;
      index.settingsVersion = change.version;
      let rebuild = false;
      for (const generation of liveGenerations(index)) {
        if (needsRebuild(generation.settings, change.settings) && generation.documents.size > 0) {
          rebuild = true;
        } else {
          generation.settings = change.settings;
          generation.settingsVersion = change.version;
        }
      }
      if (rebuild && ![...index.generations.values()].some((generation) => generation.status === 'pending')) {
        const next = Math.max(...index.generations.keys()) + 1;
        index.generations.set(next, generationOf(null, next, 'settings', 'pending'));
      }
      return 'applied';
    },

  };
}

function markStrings(value: unknown, query: SearchQuery): Record<string, unknown> {
  const mark = (inner: unknown): unknown => {
    if (typeof inner === 'string') return markMatches(inner, query);
    if (Array.isArray(inner)) return inner.map(mark);
    if (typeof inner === 'object' && inner !== null) return Object.fromEntries(Object.entries(inner).map(([field, nested]) => [field, mark(nested)]));
    return inner;
  };
  return mark(value) as Record<string, unknown>;
}

function countValues(documents: FacetValue[][]): FacetCount[] {
  const counts = new Map<string, FacetCount>();
  for (const values of documents) {
    for (const value of values) {
      const facetKey = JSON.stringify(value);
      const counted = counts.get(facetKey) ?? { value, count: 0 };
      counted.count += 1;
      counts.set(facetKey, counted);
    }
  }
  return [...counts.values()].sort((left, right) => right.count - left.count || compareJson(left.value, right.value));
}

function facetOf(documents: FacetValue[][]): FacetResult {
  const all = countValues(documents);
  const numbers = all.flatMap(({ value }) => (typeof value === 'number' ? [value] : []));
  const result: FacetResult = { values: all.slice(0, FACET_VALUES_SHOWN) };
  if (numbers.length > 0) {
    result.min = Math.min(...numbers);
    result.max = Math.max(...numbers);
  }
  return result;
}

function valueAt(data: Record<string, unknown>, path: string): unknown {
  let current: unknown = data;
  for (const segment of path.split('.')) current = typeof current === 'object' && current !== null && !Array.isArray(current) ? (current as Record<string, unknown>)[segment] : undefined;
  return current;
}

/** jsonb's order: null < string < number < boolean < array < object (missing values are placed by the caller). */
function compareJson(left: unknown, right: unknown): number {
  const rank = (value: unknown) => (value === undefined ? 6 : value === null ? 0 : typeof value === 'string' ? 1 : typeof value === 'number' ? 2 : typeof value === 'boolean' ? 3 : Array.isArray(value) ? 4 : 5);
  if (rank(left) !== rank(right)) return rank(left) - rank(right);
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  if (typeof left === 'string' && typeof right === 'string') return left < right ? -1 : left > right ? 1 : 0;
  if (typeof left === 'boolean' && typeof right === 'boolean') return Number(left) - Number(right);
  return 0;
}
