import { describe, expect, it } from 'vitest';
import { encodeConsistencyToken } from '@hexbase/contracts';
import { createMemorySearch } from '../adapters/memory/memory-search-index';
import { ARTICLE_SETTINGS, givenCollection, upsert } from './search-index.contract';
import { searchRecords, type SearchInput } from './search-records';
import { searchFacetValues } from './search-facet-values';

async function given() {
  const engine = createMemorySearch();
  await givenCollection(engine, 'acme');
  await engine.applyRecordChange(upsert('acme', 'a1', 1, { title: 'Brass lamp', brand: 'lumen', price: 30 }));
  await engine.applyRecordChange(upsert('acme', 'a2', 1, { title: 'Steel lamp', brand: 'lumen', price: 20 }));
  await engine.applyRecordChange(upsert('acme', 'a3', 1, { title: 'Paper lamp', brand: 'washi', price: 10 }));
  return { engine, deps: { index: engine, consistencyTimeoutMs: 300 } };
}

const input = (overrides: Partial<SearchInput> = {}): SearchInput => ({ tenantId: 'acme', collection: 'articles', q: 'lamp ', facets: [], sort: 'relevance', limit: 20, typoTolerance: true, highlight: false, ...overrides });

describe('searching records', () => {
  it('pages with a cursor that belongs to its query', async () => {
    const { deps } = await given();
    const first = await searchRecords(deps, input({ sort: 'price', limit: 2 }));
    expect(first.hits.map((hit) => hit.id)).toEqual(['a3', 'a2']);
    expect(first).toMatchObject({ total: 3, offset: 0, limit: 2 });
    const second = await searchRecords(deps, input({ sort: 'price', limit: 2, cursor: first.nextCursor! }));
    expect(second.hits.map((hit) => hit.id)).toEqual(['a1']);
    expect(second.nextCursor).toBeNull();
    await expect(searchRecords(deps, input({ sort: '-price', cursor: first.nextCursor! }))).rejects.toMatchObject({ code: 'INVALID_CURSOR', violations: [{ field: '/query/cursor' }] });
    await expect(searchRecords(deps, input({ offset: 9_990, limit: 20 }))).rejects.toMatchObject({ code: 'RESULT_WINDOW_EXCEEDED', violations: [{ field: '/query/offset' }] });
  });

  it('refuses filters, facets and sorts on fields the settings do not allow, naming the field', async () => {
    const { deps } = await given();
    await expect(searchRecords(deps, input({ filter: 'brand = "lumen" and secret = 1' }))).rejects.toMatchObject({
      code: 'INVALID_FILTER',
      violations: [{ field: '/query/filter', rule: 'unknown_field', message: expect.stringContaining('secret is not filterable') }],
    });
    await expect(searchRecords(deps, input({ filter: 'brand = lumen' }))).rejects.toMatchObject({ code: 'INVALID_FILTER', violations: [{ field: '/query/filter', rule: 'syntax' }] });
    await expect(searchRecords(deps, input({ facets: ['brand', 'secret'] }))).rejects.toMatchObject({ code: 'INVALID_FACET', violations: [{ field: '/query/facets', message: expect.stringContaining('secret') }] });
    await expect(searchRecords(deps, input({ sort: '-secret' }))).rejects.toMatchObject({ code: 'INVALID_SORT', violations: [{ field: '/query/sort', message: expect.stringContaining('secret') }] });
    await expect(searchRecords(deps, input({ q: 'say "hi' }))).rejects.toMatchObject({ code: 'INVALID_QUERY', violations: [{ field: '/query/q', rule: 'syntax' }] });
    await expect(searchFacetValues(deps.index, { tenantId: 'acme', collection: 'articles', field: 'title', prefix: '', query: '', typoTolerance: true, limit: 5 })).rejects.toMatchObject({
      code: 'INVALID_FACET',
      violations: [{ field: '/params/field' }],
    });
  });

  it('answers 404 for a collection the index has not heard of, or one that is not searchable', async () => {
    const { engine, deps } = await given();
    await expect(searchRecords(deps, input({ collection: 'nothing' }))).rejects.toMatchObject({ code: 'COLLECTION_NOT_FOUND', kind: 'not_found' });
    await engine.applySettings({ tenantId: 'acme', collection: 'articles', version: 2, settings: null });
    await expect(searchRecords(deps, input())).rejects.toMatchObject({ code: 'SEARCH_NOT_ENABLED', kind: 'not_found' });
  });

  it('waits for the write a consistency token names, then reads it', async () => {
    const { engine, deps } = await given();
    const token = encodeConsistencyToken({ tenantId: 'acme', streamId: 'articles/a4', version: 1 });
    const later = new Promise<void>((resolve) => setTimeout(() => void engine.applyRecordChange(upsert('acme', 'a4', 1, { title: 'Glass lamp' })).then(() => resolve()), 50));
    const answer = await searchRecords(deps, input({ q: 'glass ', consistencyToken: { token, field: '/headers/hexbase-consistency-token' } }));
    await later;
    expect(answer.hits.map((hit) => hit.id)).toEqual(['a4']);
  });

  it('gives up with 503 and Retry-After when the index does not catch up in time', async () => {
    const { deps } = await given();
    const token = encodeConsistencyToken({ tenantId: 'acme', streamId: 'articles/a1', version: 2 });
    await expect(searchRecords(deps, input({ consistencyToken: { token, field: '/query/consistencyToken' } }))).rejects.toMatchObject({
      code: 'CONSISTENCY_TIMEOUT',
      kind: 'unavailable',
      extensions: { retryAfter: 1 },
    });
  });

  it('refuses a token of another tenant or another collection, and waits for settings by the collection token', async () => {
    const { engine, deps } = await given();
    const field = '/query/consistencyToken';
    for (const point of [{ tenantId: 'other', streamId: 'articles/a1', version: 1 }, { tenantId: 'acme', streamId: 'books/a1', version: 1 }]) {
      await expect(searchRecords(deps, input({ consistencyToken: { token: encodeConsistencyToken(point), field } }))).rejects.toMatchObject({ code: 'INVALID_CONSISTENCY_TOKEN', violations: [{ field }] });
    }
    await expect(searchRecords(deps, input({ consistencyToken: { token: 'garbage', field } }))).rejects.toMatchObject({ code: 'INVALID_CONSISTENCY_TOKEN' });
    const settingsToken = encodeConsistencyToken({ tenantId: 'acme', streamId: '_collections/articles', version: 2 });
    setTimeout(() => void engine.applySettings({ tenantId: 'acme', collection: 'articles', version: 2, settings: { ...ARTICLE_SETTINGS, sortableFields: ['brand'] } }), 30);
    expect((await searchRecords(deps, input({ sort: 'brand', consistencyToken: { token: settingsToken, field } }))).total).toBe(3);
  });
});
