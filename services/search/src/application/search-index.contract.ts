import { describe, expect, it } from 'vitest';
import { parseFilter } from '@hexbase/filter';
import type { RecordChange } from '../domain/index-change';
import { parseSearchQuery } from '../domain/search-query';
import type { SearchSettings } from '../domain/index-settings';
import type { EventHistory, GenerationBuilder, IndexUpdates, Rebuilds, SearchIndex, SearchRequest } from './ports';
import { runNextRebuild } from './run-rebuild';

export type SearchEngine = SearchIndex & IndexUpdates & Rebuilds & GenerationBuilder;

export interface SearchIndexFixture {
  engine: SearchEngine;
  /** A tenant no other test of the suite uses. */
  tenantId: string;
}

export const ARTICLE_SETTINGS: SearchSettings = {
  searchableFields: [
    { field: 'title', weight: 'A' },
    { field: 'tags', weight: 'B' },
    { field: 'body', weight: 'D' },
  ],
  filterableFields: ['brand', 'price', 'inStock'],
  facetableFields: ['brand', 'tags', 'price'],
  sortableFields: ['price', 'title'],
  language: 'simple',
  synonyms: { tv: ['television', 'flat screen'] },
  stopWords: [],
};

const emptyHistory: EventHistory = { readCollectionEvents: async (_tenant, _collection, after) => ({ events: [], lastPosition: after }) };

export function upsert(tenantId: string, recordId: string, version: number, data: Record<string, unknown>, collection = 'articles'): RecordChange {
  return { kind: 'upsert', tenantId, collection, recordId, version, data };
}

/** Runs every queued rebuild to its end (jobs are global: a rebuild queued by one test must not wait for another). */
export async function rebuildAll(engine: SearchEngine, history: EventHistory = emptyHistory): Promise<void> {
  while (await runNextRebuild({ rebuilds: engine, builder: engine, history }, { owner: 'contract', leaseMs: 30_000, batchSize: 2 }));
}

/** A searchable collection for the tenant, its settings already built. */
export async function givenCollection(engine: SearchEngine, tenantId: string, settings: SearchSettings = ARTICLE_SETTINGS, collection = 'articles'): Promise<void> {
  await engine.applySettings({ tenantId, collection, version: 1, settings });
  await rebuildAll(engine);
}

export function searchRequest(tenantId: string, q: string, overrides: Partial<SearchRequest> = {}): SearchRequest {
  return { tenantId, collection: 'articles', query: parseSearchQuery(q), facets: [], limit: 20, offset: 0, typoTolerance: true, highlight: false, ...overrides };
}

const ids = async (engine: SearchEngine, request: SearchRequest) => (await engine.search(request)).hits.map((hit) => hit.id);

/** The behaviour every search index must have: run against the in-memory twin and PostgreSQL. */
export function searchIndexContract(name: string, setup: () => Promise<SearchIndexFixture>): void {
  describe(`SearchIndex contract: ${name}`, () => {
    it('finds an indexed record by its words, for its tenant only', async () => {
      const { engine, tenantId } = await setup();
      await givenCollection(engine, tenantId);
      await givenCollection(engine, `${tenantId}-other`);
      expect(await engine.applyRecordChange(upsert(tenantId, 'a1', 1, { title: 'Mechanical keyboard', body: 'Clicky switches' }))).toBe('applied');
      await engine.applyRecordChange(upsert(`${tenantId}-other`, 'b1', 1, { title: 'Mechanical pencil' }));

      expect(await ids(engine, searchRequest(tenantId, 'mechanical '))).toEqual(['a1']);
      expect(await ids(engine, searchRequest(`${tenantId}-other`, 'mechanical '))).toEqual(['b1']);
      expect(await engine.indexedVersion(tenantId, 'articles', 'a1')).toBe(1);
      expect(await engine.indexedVersion(`${tenantId}-other`, 'articles', 'a1')).toBe(0);
      expect(await engine.stateOf(`${tenantId}-nobody`, 'articles')).toBeUndefined();
    });

    it('ignores stale and duplicate events, whatever order they come in', async () => {
      const { engine, tenantId } = await setup();
      await givenCollection(engine, tenantId);
      await engine.applyRecordChange(upsert(tenantId, 'r1', 2, { title: 'second version' }));
      expect(await engine.applyRecordChange(upsert(tenantId, 'r1', 1, { title: 'first version' }))).toBe('stale');
      expect(await engine.applyRecordChange(upsert(tenantId, 'r1', 2, { title: 'second version' }))).toBe('stale');
      expect(await ids(engine, searchRequest(tenantId, 'first '))).toEqual([]);
      expect(await ids(engine, searchRequest(tenantId, 'second '))).toEqual(['r1']);
      expect(await engine.indexedVersion(tenantId, 'articles', 'r1')).toBe(2);
    });

    it('hides a deleted record, shows it again when restored, and forgets it when purged', async () => {
      const { engine, tenantId } = await setup();
      await givenCollection(engine, tenantId);
      const base = { tenantId, collection: 'articles', recordId: 'd1' };
      await engine.applyRecordChange(upsert(tenantId, 'd1', 1, { title: 'Walnut desk', brand: 'oak' }));
      await engine.applyRecordChange({ kind: 'delete', ...base, version: 2 });
      expect((await engine.search(searchRequest(tenantId, 'walnut ', { facets: ['brand'] })))).toMatchObject({ hits: [], total: 0, facets: { brand: { values: [] } } });
      await engine.applyRecordChange(upsert(tenantId, 'd1', 3, { title: 'Walnut desk', brand: 'oak' }));
      expect(await ids(engine, searchRequest(tenantId, 'walnut '))).toEqual(['d1']);
      await engine.applyRecordChange({ kind: 'purge', ...base, version: 4 });
      expect(await engine.applyRecordChange(upsert(tenantId, 'd1', 3, { title: 'Walnut desk' }))).toBe('stale');
      expect(await ids(engine, searchRequest(tenantId, 'walnut '))).toEqual([]);
      expect(await engine.indexedVersion(tenantId, 'articles', 'd1')).toBe(4);
    });

    it('keeps a record hidden when its delete arrives before its creation', async () => {
      const { engine, tenantId } = await setup();
      await givenCollection(engine, tenantId);
      await engine.applyRecordChange({ kind: 'delete', tenantId, collection: 'articles', recordId: 'late', version: 2 });
      expect(await engine.applyRecordChange(upsert(tenantId, 'late', 1, { title: 'Early bird' }))).toBe('stale');
      expect(await ids(engine, searchRequest(tenantId, 'early '))).toEqual([]);
    });

    it('ranks a phrase in the title above the same words scattered in the body', async () => {
      const { engine, tenantId } = await setup();
      await givenCollection(engine, tenantId);
      await engine.applyRecordChange(upsert(tenantId, 'scattered', 1, { title: 'Garden notes', body: 'The chair stood near a table; a garden hose lay under the old oak, with another chair.' }));
      await engine.applyRecordChange(upsert(tenantId, 'titled', 1, { title: 'Garden chair', body: 'Weatherproof teak.' }));
      await engine.applyRecordChange(upsert(tenantId, 'unrelated', 1, { title: 'Kitchen table', body: 'Seats six.' }));
      expect(await ids(engine, searchRequest(tenantId, 'garden chair '))).toEqual(['titled', 'scattered']);
      expect(await ids(engine, searchRequest(tenantId, '"garden chair" '))).toEqual(['titled']);
    });

    it('understands OR and exclusions', async () => {
      const { engine, tenantId } = await setup();
      await givenCollection(engine, tenantId);
      await engine.applyRecordChange(upsert(tenantId, 'cat', 1, { title: 'Cat food' }));
      await engine.applyRecordChange(upsert(tenantId, 'dog', 1, { title: 'Dog food' }));
      await engine.applyRecordChange(upsert(tenantId, 'fish', 1, { title: 'Fish food' }));
      expect((await ids(engine, searchRequest(tenantId, 'cat OR dog '))).sort()).toEqual(['cat', 'dog']);
      expect((await ids(engine, searchRequest(tenantId, 'food -fish '))).sort()).toEqual(['cat', 'dog']);
      expect((await ids(engine, searchRequest(tenantId, 'food -"dog food" '))).sort()).toEqual(['cat', 'fish']);
    });

    it('completes the last word as a prefix while it is being typed', async () => {
      const { engine, tenantId } = await setup();
      await givenCollection(engine, tenantId);
      await engine.applyRecordChange(upsert(tenantId, 'k1', 1, { title: 'Wireless keyboard' }));
      expect(await ids(engine, searchRequest(tenantId, 'wireless keyb'))).toEqual(['k1']);
      expect(await ids(engine, searchRequest(tenantId, 'wireless keyb '))).toEqual([]);
    });

    it('finds a word despite a typo, within a budget that grows with its length, unless turned off', async () => {
      const { engine, tenantId } = await setup();
      await givenCollection(engine, tenantId);
      await engine.applyRecordChange(upsert(tenantId, 'p1', 1, { title: 'Portable speaker' }));
      await engine.applyRecordChange(upsert(tenantId, 'p2', 1, { title: 'Rechargeable battery' }));
      await engine.applyRecordChange(upsert(tenantId, 'p3', 1, { title: 'Blue lamp' }));

      const answer = await engine.search(searchRequest(tenantId, 'spaeker '));
      expect(answer.hits.map((hit) => hit.id)).toEqual(['p1']);
      expect(answer.corrections).toEqual({ spaeker: ['speaker'] });
      expect(await ids(engine, searchRequest(tenantId, 'rechargaeble '))).toEqual(['p2']);
      expect(await ids(engine, searchRequest(tenantId, 'bleu '))).toEqual([]);
      expect(await ids(engine, searchRequest(tenantId, 'spkaeer '))).toEqual([]);
      expect(await ids(engine, searchRequest(tenantId, 'spaeker ', { typoTolerance: false }))).toEqual([]);
    });

    it('widens a word to its synonyms', async () => {
      const { engine, tenantId } = await setup();
      await givenCollection(engine, tenantId);
      await engine.applyRecordChange(upsert(tenantId, 's1', 1, { title: 'Television stand' }));
      await engine.applyRecordChange(upsert(tenantId, 's2', 1, { title: 'Flat screen mount' }));
      expect((await ids(engine, searchRequest(tenantId, 'tv '))).sort()).toEqual(['s1', 's2']);
    });

    it('filters, counts facets over every hit, and gives the numeric range', async () => {
      const { engine, tenantId } = await setup();
      await givenCollection(engine, tenantId);
      const products = [
        ['m1', 'acme', 10, ['red', 'small'], true],
        ['m2', 'acme', 20, ['red'], true],
        ['m3', 'acme', 30, ['blue'], false],
        ['m4', 'zenith', 40, ['red'], true],
        ['m5', 'other', 50, [], true],
      ] as const;
      for (const [id, brand, price, tags, inStock] of products) await engine.applyRecordChange(upsert(tenantId, id, 1, { title: `Mug ${id}`, brand, price, tags, inStock }));
      const answer = await engine.search(searchRequest(tenantId, 'mug ', { filter: parseFilter('inStock = true and price < 45'), facets: ['brand', 'tags', 'price'] }));
      expect(answer.total).toBe(3);
      expect(answer.hits.map((hit) => hit.id).sort()).toEqual(['m1', 'm2', 'm4']);
      expect(answer.facets.brand!.values).toEqual([{ value: 'acme', count: 2 }, { value: 'zenith', count: 1 }]);
      expect(answer.facets.tags!.values).toEqual([{ value: 'red', count: 3 }, { value: 'small', count: 1 }]);
      expect(answer.facets.price).toMatchObject({ min: 10, max: 40 });
      expect(answer.facets.brand!.min).toBeUndefined();
    });

    it('sorts by a field, pages with an offset and counts every hit', async () => {
      const { engine, tenantId } = await setup();
      await givenCollection(engine, tenantId);
      for (const [id, price] of [['c1', 30], ['c2', 10], ['c3', 20], ['c4', 40]] as const) await engine.applyRecordChange(upsert(tenantId, id, 1, { title: 'Cup', price }));
      await engine.applyRecordChange(upsert(tenantId, 'c5', 1, { title: 'Cup' }));
      const first = await engine.search(searchRequest(tenantId, 'cup ', { sort: { field: 'price', descending: false }, limit: 2 }));
      expect(first.hits.map((hit) => hit.id)).toEqual(['c2', 'c3']);
      expect(first.total).toBe(5);
      expect(await ids(engine, searchRequest(tenantId, 'cup ', { sort: { field: 'price', descending: false }, limit: 10, offset: 2 }))).toEqual(['c1', 'c4', 'c5']);
      expect(await ids(engine, searchRequest(tenantId, 'cup ', { sort: { field: 'price', descending: true }, limit: 10 }))).toEqual(['c4', 'c1', 'c3', 'c2', 'c5']);
      expect((await engine.search(searchRequest(tenantId, 'cup ', { offset: 10 })))).toMatchObject({ hits: [], total: 5 });
      expect(await ids(engine, searchRequest(tenantId, '', { sort: { field: 'price', descending: false }, limit: 1 }))).toEqual(['c2']);
    });

    it('marks exactly the matched words, escapes everything else, and cuts a snippet', async () => {
      const { engine, tenantId } = await setup();
      await givenCollection(engine, tenantId);
      const data = { title: 'Quick <b>brown</b> fox & co', tags: ['fox', 'den'], body: 'The fox jumps over the lazy dog.', brand: 'fox' };
      await engine.applyRecordChange(upsert(tenantId, 'h1', 1, data));
      const [hit] = (await engine.search(searchRequest(tenantId, 'fox dog ', { highlight: true }))).hits;
      expect(hit!.highlights).toEqual({ title: 'Quick &lt;b&gt;brown&lt;/b&gt; <mark>fox</mark> &amp; co', tags: ['<mark>fox</mark>', 'den'], body: 'The <mark>fox</mark> jumps over the lazy <mark>dog</mark>.' });
      expect(hit!.snippet).toContain('<mark>dog</mark>');
      expect(hit!.data).toEqual(data);
    });

    it('searches within the values of a facet', async () => {
      const { engine, tenantId } = await setup();
      await givenCollection(engine, tenantId);
      for (const [id, brand] of [['f1', 'Apple Inc'], ['f2', 'Apricot Foods'], ['f3', 'Apple Inc'], ['f4', 'Banana Republic']] as const) {
        await engine.applyRecordChange(upsert(tenantId, id, 1, { title: 'Thing', brand }));
      }
      const request = { tenantId, collection: 'articles', field: 'brand', query: parseSearchQuery(''), typoTolerance: true, limit: 10 };
      expect(await engine.facetValues({ ...request, prefix: 'ap' })).toEqual([{ value: 'Apple Inc', count: 2 }, { value: 'Apricot Foods', count: 1 }]);
      expect(await engine.facetValues({ ...request, prefix: 'rep' })).toEqual([{ value: 'Banana Republic', count: 1 }]);
    });

    it('keeps answering with the old settings until a rebuild for new ones is swapped in', async () => {
      const { engine, tenantId } = await setup();
      await givenCollection(engine, tenantId);
      await engine.applyRecordChange(upsert(tenantId, 'g1', 1, { title: 'Teapot', body: 'porcelain', subtitle: 'handmade' }));
      const withSubtitle = { ...ARTICLE_SETTINGS, searchableFields: [...ARTICLE_SETTINGS.searchableFields, { field: 'subtitle', weight: 'C' as const }] };
      expect(await engine.applySettings({ tenantId, collection: 'articles', version: 2, settings: withSubtitle })).toBe('applied');
      expect(await engine.applySettings({ tenantId, collection: 'articles', version: 2, settings: withSubtitle })).toBe('stale');
      expect(await ids(engine, searchRequest(tenantId, 'handmade '))).toEqual([]);
      expect((await engine.stateOf(tenantId, 'articles'))?.settingsVersion).toBe(1);
      expect(await engine.progress(tenantId, 'articles')).toMatchObject({ source: 'settings', status: 'pending' });

      await rebuildAll(engine);
      expect(await ids(engine, searchRequest(tenantId, 'handmade '))).toEqual(['g1']);
      expect(await engine.stateOf(tenantId, 'articles')).toMatchObject({ settingsVersion: 2, settings: withSubtitle });
      expect(await engine.progress(tenantId, 'articles')).toMatchObject({ status: 'active', processed: 1, total: 1 });

      const sortable = { ...withSubtitle, sortableFields: ['price', 'title', 'body'] };
      await engine.applySettings({ tenantId, collection: 'articles', version: 3, settings: sortable });
      expect(await engine.stateOf(tenantId, 'articles')).toMatchObject({ settingsVersion: 3, settings: sortable });
    });

    it('takes the first settings of a new collection at once, and rebuilds for records that came before them', async () => {
      const { engine, tenantId } = await setup();
      await engine.applySettings({ tenantId, collection: 'articles', version: 1, settings: ARTICLE_SETTINGS });
      expect(await engine.stateOf(tenantId, 'articles')).toMatchObject({ settingsVersion: 1, settings: ARTICLE_SETTINGS });
      await engine.applyRecordChange(upsert(tenantId, 'n1', 1, { title: 'Notebook' }));
      expect(await ids(engine, searchRequest(tenantId, 'notebook '))).toEqual(['n1']);

      await engine.applyRecordChange(upsert(tenantId, 'early', 1, { title: 'Pencil' }, 'sketches'));
      expect(await engine.stateOf(tenantId, 'sketches')).toMatchObject({ settings: null, settingsVersion: 0 });
      await engine.applySettings({ tenantId, collection: 'sketches', version: 1, settings: ARTICLE_SETTINGS });
      expect((await engine.stateOf(tenantId, 'sketches'))?.settings).toBeNull();
      await rebuildAll(engine);
      expect(await ids(engine, searchRequest(tenantId, 'pencil ', { collection: 'sketches' }))).toEqual(['early']);
    });

    it('refuses a second rebuild while one is queued', async () => {
      const { engine, tenantId } = await setup();
      await givenCollection(engine, tenantId);
      await engine.request(tenantId, 'articles');
      await expect(engine.request(tenantId, 'articles')).rejects.toMatchObject({ code: 'REINDEX_RUNNING' });
      await expect(engine.request(tenantId, 'unknown')).rejects.toMatchObject({ code: 'COLLECTION_NOT_FOUND' });
      await rebuildAll(engine);
    });
  });
}
