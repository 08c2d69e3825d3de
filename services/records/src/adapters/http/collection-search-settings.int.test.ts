import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeConsistencyToken } from '@hexbase/contracts';
import { createTestDatabase, testServers } from '@hexbase/testing';
import { migrateRecords, startRecords, type RecordsUnderTest } from '../../test-support';

let database: { url: string; drop(): Promise<void> };
let records: RecordsUnderTest;

async function request(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await records.app.inject({ method, url, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
  return { status: response.statusCode, headers: response.headers, body: response.body ? (JSON.parse(response.body) as Record<string, any>) : undefined };
}

async function outboxOf(streamId: string) {
  const { rows } = await records.pool.query<{ envelope: { type: string; streamversion: number; data: Record<string, any>; tenantid: string } }>(
    'SELECT envelope FROM outbox WHERE stream_id = $1 ORDER BY position',
    [streamId],
  );
  return rows.map((row) => row.envelope);
}

beforeAll(async () => {
  database = await createTestDatabase(testServers().databaseUrl, 'collection_search');
  await migrateRecords(database.url);
  records = await startRecords(database.url);
});

afterAll(async () => {
  await records?.close();
  await database?.drop();
});

describe('search settings in a collection definition', () => {
  it('stores them with defaults filled in, answers them, and announces them through the outbox', async () => {
    const created = await request('POST', '/v1/collections', {
      name: 'products',
      schema: { type: 'object' },
      search: { searchableFields: [{ field: 'name', weight: 'A' }, { field: 'description' }], facetableFields: ['brand'], language: 'english', synonyms: { tv: ['television'] } },
    }, { 'x-hexbase-tenant': 'shop' });
    expect(created.status).toBe(201);
    const search = {
      searchableFields: [{ field: 'name', weight: 'A' }, { field: 'description', weight: 'D' }],
      filterableFields: [],
      facetableFields: ['brand'],
      sortableFields: [],
      language: 'english',
      synonyms: { tv: ['television'] },
      stopWords: [],
    };
    expect(created.body!.search).toEqual(search);
    expect((await request('GET', '/v1/collections/products', undefined, { 'x-hexbase-tenant': 'shop' })).body!.search).toEqual(search);

    const changed = await request('PUT', '/v1/collections/products', { schema: { type: 'object' }, search: { ...search, sortableFields: ['price'] } }, { 'x-hexbase-tenant': 'shop', 'if-match': '"1"' });
    expect(changed.status).toBe(200);
    expect(decodeConsistencyToken(String(changed.headers['hexbase-consistency-token']))).toEqual({ tenantId: 'shop', streamId: '_collections/products', version: 2 });
    const events = await outboxOf('_collections/products');
    expect(events.map((event) => [event.type, event.streamversion, event.tenantid])).toEqual([
      ['collection.created', 1, 'shop'],
      ['collection.updated', 2, 'shop'],
    ]);
    expect(events[1]!.data).toMatchObject({ name: 'products', version: 2, changedFields: ['search'], search: { sortableFields: ['price'] } });
  });

  it('answers null for a collection without search settings', async () => {
    const created = await request('POST', '/v1/collections', { name: 'plain', schema: { type: 'object' } });
    expect(created.body!.search).toBeNull();
  });

  it('refuses bad settings with a problem document naming the field, and writes nothing', async () => {
    const unknownLanguage = await request('POST', '/v1/collections', { name: 'bad_one', schema: { type: 'object' }, search: { searchableFields: [{ field: 'a' }], language: 'klingon' } });
    expect(unknownLanguage.status).toBe(400);
    expect(unknownLanguage.body!.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: '/body/search/language' })]));

    const mixed = await request('POST', '/v1/collections', { name: 'bad_two', schema: { type: 'object' }, search: { searchableFields: [{ field: 'a', weight: 'A' }, { field: 'b', weight: 3 }], stopWords: ['Two Words'] } });
    expect(mixed.status).toBe(400);
    expect(mixed.body).toMatchObject({ code: 'COLLECTION_INVALID' });
    expect(mixed.body!.errors.map((error: { field: string }) => error.field)).toEqual(['/search/searchableFields', '/search/stopWords/0']);
    expect((await request('GET', '/v1/collections/bad_two')).status).toBe(404);
    expect(await outboxOf('_collections/bad_two')).toEqual([]);
  });
});
