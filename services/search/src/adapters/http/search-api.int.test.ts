import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeConsistencyToken } from '@hexbase/contracts';
import { createTestDatabase, eventually, testServers } from '@hexbase/testing';
import { ARTICLE_SETTINGS, rebuildAll, upsert } from '../../application/search-index.contract';
import { migrateSearch, startSearch, type SearchUnderTest } from '../../test-support';

let database: { url: string; drop(): Promise<void> };
let search: SearchUnderTest;

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await search.app.inject({ method: 'GET', url, headers });
  return { status: response.statusCode, headers: response.headers, body: JSON.parse(response.body) as Record<string, any> };
}

const searchUrl = (params: Record<string, string>) => `/v1/search/articles?${new URLSearchParams(params).toString()}`;

beforeAll(async () => {
  database = await createTestDatabase(testServers().databaseUrl, 'search_api');
  await migrateSearch(database.url);
  search = await startSearch(database.url, { consistencyTimeoutMs: 400 });
  const { engine } = search;
  await engine.applySettings({ tenantId: 'default', collection: 'articles', version: 1, settings: { ...ARTICLE_SETTINGS, language: 'english' } });
  await engine.applySettings({ tenantId: 'default', collection: 'drafts', version: 1, settings: null });
  await rebuildAll(engine);
  const lamps = [
    ['l1', 'Brass desk lamp', 'lumen', 30, ['brass', 'desk']],
    ['l2', 'Steel floor lamp', 'lumen', 80, ['steel']],
    ['l3', 'Paper lamp shade', 'washi', 15, ['paper']],
    ['l4', 'Brass candle holder', 'lumen', 12, ['brass']],
  ] as const;
  for (const [id, title, brand, price, tags] of lamps) await engine.applyRecordChange(upsert('default', id, 1, { title, brand, price, tags, body: `The ${title.toLowerCase()} <by> ${brand}` }));
});

afterAll(async () => {
  await search?.close();
  await database?.drop();
});

describe('GET /v1/search/{collection}', () => {
  it('answers hits with totals, facets, highlights and a cursor to the next page', async () => {
    const first = await get(searchUrl({ q: 'lamp', facets: 'brand,price', highlight: 'true', limit: '2', sort: '-price' }));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 3, offset: 0, limit: 2, corrections: {} });
    expect(first.body.hits.map((hit: { id: string }) => hit.id)).toEqual(['l2', 'l1']);
    expect(first.body.hits[0].highlights).toEqual({ title: 'Steel floor <mark>lamp</mark>', tags: ['steel'], body: 'The steel floor <mark>lamp</mark> &lt;by&gt; lumen' });
    expect(first.body.hits[0].snippet).toContain('<mark>lamp</mark>');
    expect(first.body.facets).toEqual({ brand: { values: [{ value: 'lumen', count: 2 }, { value: 'washi', count: 1 }] }, price: { values: expect.any(Array), min: 15, max: 80 } });
    const second = await get(searchUrl({ q: 'lamp', facets: 'brand,price', limit: '2', sort: '-price', cursor: first.body.nextCursor }));
    expect(second.body.hits.map((hit: { id: string }) => hit.id)).toEqual(['l3']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('corrects typos, completes prefixes and reports what it corrected', async () => {
    const typo = await get(searchUrl({ q: 'candel holder ' }));
    expect(typo.body.hits.map((hit: { id: string }) => hit.id)).toEqual(['l4']);
    expect(typo.body.corrections).toEqual({ candel: ['candle'] });
    expect((await get(searchUrl({ q: 'brass cand' }))).body.hits.map((hit: { id: string }) => hit.id)).toEqual(['l4']);
    expect((await get(searchUrl({ q: 'candel ', typoTolerance: 'false' }))).body.total).toBe(0);
  });

  it('searches within a facet’s values', async () => {
    const values = await get('/v1/search/articles/facets/tags?q=br&query=lamp');
    expect(values.body).toEqual({ field: 'tags', values: [{ value: 'brass', count: 1 }] });
  });

  it('refuses bad queries with a problem document naming the field', async () => {
    const cases: Array<[Record<string, string>, string, string]> = [
      [{ q: '"unbalanced quote' }, 'INVALID_QUERY', '/query/q'],
      [{ q: 'x'.repeat(600) }, 'FST_ERR_VALIDATION', '/query/q'],
      [{ q: Array.from({ length: 40 }, (_, n) => `word${n}`).join(' ') }, 'INVALID_QUERY', '/query/q'],
      [{ q: 'lamp', filter: 'secret = 1' }, 'INVALID_FILTER', '/query/filter'],
      [{ q: 'lamp', filter: 'price > ' }, 'INVALID_FILTER', '/query/filter'],
      [{ q: 'lamp', facets: 'title' }, 'INVALID_FACET', '/query/facets'],
      [{ q: 'lamp', sort: 'brand' }, 'INVALID_SORT', '/query/sort'],
      [{ q: 'lamp', offset: '2', cursor: 'abc' }, 'INVALID_PAGINATION', '/query/cursor'],
      [{ q: 'lamp', limit: '1000' }, 'FST_ERR_VALIDATION', '/query/limit'],
    ];
    for (const [params, code, field] of cases) {
      const answer = await get(searchUrl(params));
      expect(answer.status, JSON.stringify(params)).toBe(400);
      expect(answer.headers['content-type']).toContain('application/problem+json');
      if (code !== 'FST_ERR_VALIDATION') expect(answer.body.code).toBe(code);
      expect(answer.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    }
    const unknown = await get(searchUrl({ q: 'lamp', filter: 'brand = "lumen" and secret = 1' }));
    expect(unknown.body.errors[0]).toMatchObject({ rule: 'unknown_field', message: expect.stringContaining('secret') });
  });

  it('answers 404 for a collection it does not know or that is not searchable', async () => {
    expect((await get('/v1/search/nothing?q=x')).body).toMatchObject({ status: 404, code: 'COLLECTION_NOT_FOUND' });
    expect((await get('/v1/search/drafts?q=x')).body).toMatchObject({ status: 404, code: 'SEARCH_NOT_ENABLED' });
    expect((await get(searchUrl({ q: 'lamp' }), { 'x-hexbase-tenant': 'other' })).body).toMatchObject({ status: 404, code: 'COLLECTION_NOT_FOUND' });
  });

  it('reads its own writes with a consistency token, and says 503 with Retry-After when the index lags too long', async () => {
    const token = encodeConsistencyToken({ tenantId: 'default', streamId: 'articles/l5', version: 1 });
    const waiting = get(searchUrl({ q: 'lantern ' }), { 'hexbase-consistency-token': token });
    await search.engine.applyRecordChange(upsert('default', 'l5', 1, { title: 'Storm lantern', brand: 'lumen', price: 40 }));
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(answer.body.hits.map((hit: { id: string }) => hit.id)).toEqual(['l5']);

    const ahead = encodeConsistencyToken({ tenantId: 'default', streamId: 'articles/l5', version: 2 });
    const late = await get(searchUrl({ q: 'lantern ', consistencyToken: ahead }));
    expect(late.status).toBe(503);
    expect(late.headers['retry-after']).toBe('1');
    expect(late.body).toMatchObject({ code: 'CONSISTENCY_TIMEOUT' });

    const foreign = await get(searchUrl({ q: 'x', consistencyToken: encodeConsistencyToken({ tenantId: 'other', streamId: 'articles/l1', version: 1 }) }));
    expect(foreign.body).toMatchObject({ status: 400, code: 'INVALID_CONSISTENCY_TOKEN', errors: [{ field: '/query/consistencyToken' }] });
  });
});

describe('/v1/admin/search/{collection}/reindex', () => {
  it('queues a rebuild, shows its progress, refuses a second one while it runs, and swaps it in', async () => {
    const started = await search.app.inject({ method: 'POST', url: '/v1/admin/search/articles/reindex' });
    expect(started.statusCode).toBe(202);
    expect(started.headers.location).toBe('/v1/admin/search/articles/reindex');
    const queued = JSON.parse(started.body);
    expect(queued).toMatchObject({ source: 'event-store', status: 'pending', processed: 0 });
    expect((await search.app.inject({ method: 'POST', url: '/v1/admin/search/articles/reindex' })).statusCode).toBe(409);

    await rebuildAll(search.engine);
    const done = await eventually(async () => {
      const progress = await get('/v1/admin/search/articles/reindex');
      return progress.body.status === 'active' ? progress.body : undefined;
    });
    expect(done).toMatchObject({ generation: queued.generation, activeGeneration: queued.generation, finishedAt: expect.any(String) });
    // Nothing in the (empty) event store, and nothing lost: what the old index held newer was merged in.
    expect((await get(searchUrl({ q: 'lamp ' }))).body.total).toBe(3);
    expect((await get('/v1/admin/search/nothing/reindex')).status).toBe(404);
  });
});
