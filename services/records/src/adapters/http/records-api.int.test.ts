import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeConsistencyToken } from '@hexbase/contracts';
import { createTestDatabase, testServers } from '@hexbase/testing';
import { migrateRecords, startRecords, type RecordsUnderTest } from '../../test-support';

let database: { url: string; drop(): Promise<void> };
let records: RecordsUnderTest;

const orderSchema = {
  type: 'object',
  required: ['title', 'total'],
  properties: { title: { type: 'string', minLength: 1 }, total: { type: 'number', minimum: 0 }, email: { type: 'string', format: 'email' }, status: { type: 'string' } },
  additionalProperties: false,
};

async function request(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await records.app.inject({ method, url, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
  return { status: response.statusCode, headers: response.headers, body: response.body ? (JSON.parse(response.body) as Record<string, any>) : undefined };
}

async function outboxCount(): Promise<number> {
  return Number((await records.pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox')).rows[0]!.n);
}

beforeAll(async () => {
  database = await createTestDatabase(testServers().databaseUrl, 'records_api');
  await migrateRecords(database.url);
  records = await startRecords(database.url);
  const created = await request('POST', '/v1/collections', { name: 'orders', schema: orderSchema, uniqueFields: ['email'], indexedFields: [{ field: 'total', type: 'numeric' }] });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await records?.close();
  await database?.drop();
});

describe('records API', () => {
  it('creates a record with an ETag, a Location and a consistency token, and reads it back', async () => {
    const created = await request('POST', '/v1/collections/orders/records', { data: { title: 'Desk', total: 120 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ collection: 'orders', version: 1, deletedAt: null, data: { title: 'Desk', total: 120 } });
    expect(created.body!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(created.headers.etag).toBe('"1"');
    expect(created.headers.location).toBe(`/v1/collections/orders/records/${created.body!.id}`);
    expect(decodeConsistencyToken(String(created.headers['hexbase-consistency-token']))).toEqual({ tenantId: 'default', streamId: `orders/${created.body!.id}`, version: 1 });

    const read = await request('GET', `/v1/collections/orders/records/${created.body!.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
    const fresh = await records.app.inject({ method: 'GET', url: `/v1/collections/orders/records/${created.body!.id}`, headers: { 'if-none-match': '"1"' } });
    expect(fresh.statusCode).toBe(304);
  });

  it('replaces, merge-patches, soft-deletes, restores and purges, one version at a time', async () => {
    const { body: created } = await request('POST', '/v1/collections/orders/records', { id: 'lifecycle-1', data: { title: 'Chair', total: 40 } });
    expect(created!.id).toBe('lifecycle-1');
    const replaced = await request('PUT', '/v1/collections/orders/records/lifecycle-1', { data: { title: 'Chair', total: 45, status: 'open' } }, { 'if-match': '"1"' });
    expect(replaced.body).toMatchObject({ version: 2, data: { total: 45, status: 'open' } });
    const patched = await records.app.inject({
      method: 'PATCH',
      url: '/v1/collections/orders/records/lifecycle-1',
      headers: { 'content-type': 'application/merge-patch+json', 'if-match': '"2"' },
      payload: JSON.stringify({ status: null, total: 50 }),
    });
    expect(patched.statusCode).toBe(200);
    expect(JSON.parse(patched.body)).toMatchObject({ version: 3, data: { title: 'Chair', total: 50 } });
    expect(JSON.parse(patched.body).data).not.toHaveProperty('status');

    expect((await request('DELETE', '/v1/collections/orders/records/lifecycle-1')).body).toMatchObject({ version: 4 });
    expect((await request('GET', '/v1/collections/orders/records/lifecycle-1')).status).toBe(404);
    expect((await request('GET', '/v1/collections/orders/records/lifecycle-1?includeDeleted=true')).body!.deletedAt).not.toBeNull();
    expect((await request('POST', '/v1/collections/orders/records/lifecycle-1/restore')).body).toMatchObject({ version: 5, deletedAt: null, data: { total: 50 } });
    expect((await request('DELETE', '/v1/collections/orders/records/lifecycle-1?purge=true')).body).toMatchObject({ version: 6, data: {} });
    expect((await request('GET', '/v1/collections/orders/records/lifecycle-1?includeDeleted=true')).status).toBe(404);
    expect((await request('POST', '/v1/collections/orders/records', { id: 'lifecycle-1', data: { title: 'Again', total: 1 } })).body).toMatchObject({ status: 409, code: 'RECORD_ID_PURGED' });

    const { rows } = await records.pool.query<{ type: string; version: number }>(
      `SELECT envelope->>'type' AS type, (envelope->>'streamversion')::int AS version FROM outbox WHERE stream_id = 'orders/lifecycle-1' ORDER BY position`,
    );
    expect(rows).toEqual([
      { type: 'record.created', version: 1 },
      { type: 'record.updated', version: 2 },
      { type: 'record.updated', version: 3 },
      { type: 'record.deleted', version: 4 },
      { type: 'record.restored', version: 5 },
      { type: 'record.purged', version: 6 },
    ]);
  });

  it('lets exactly one of two concurrent updates with the same If-Match win', async () => {
    const { body: created } = await request('POST', '/v1/collections/orders/records', { data: { title: 'Lamp', total: 10 } });
    const url = `/v1/collections/orders/records/${created!.id}`;
    const attempts = await Promise.all([1, 2, 3, 4].map((n) => request('PUT', url, { data: { title: `Lamp ${n}`, total: 10 + n } }, { 'if-match': '"1"' })));
    const statuses = attempts.map((attempt) => attempt.status).sort();
    expect(statuses).toEqual([200, 412, 412, 412]);
    const loser = attempts.find((attempt) => attempt.status === 412)!;
    expect(loser.body).toMatchObject({ code: 'VERSION_MISMATCH', currentVersion: 2, errors: [{ field: '/headers/if-match', rule: 'version' }] });
    const winner = attempts.find((attempt) => attempt.status === 200)!;
    expect((await request('GET', url)).body).toMatchObject({ version: 2, data: winner.body!.data });
  });

  it('replays a write retried with the same Idempotency-Key and writes it once', async () => {
    const before = await outboxCount();
    const headers = { 'idempotency-key': 'create-rug-1' };
    const first = await request('POST', '/v1/collections/orders/records', { data: { title: 'Rug', total: 99 } }, headers);
    const retry = await request('POST', '/v1/collections/orders/records', { data: { title: 'Rug', total: 99 } }, headers);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await outboxCount()).toBe(before + 1);
    const misuse = await request('POST', '/v1/collections/orders/records', { data: { title: 'Other', total: 1 } }, headers);
    expect(misuse.status).toBe(400);
    expect(misuse.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', errors: [{ field: '/headers/idempotency-key' }] });
  });

  it('names the field of the request that broke a rule: the patch itself, or the bulk operation', async () => {
    const { body: created } = await request('POST', '/v1/collections/orders/records', { data: { title: 'Pointer', total: 1 } });
    const patched = await records.app.inject({
      method: 'PATCH',
      url: `/v1/collections/orders/records/${created!.id}`,
      headers: { 'content-type': 'application/merge-patch+json' },
      payload: JSON.stringify({ total: 'many' }),
    });
    expect(JSON.parse(patched.body)).toMatchObject({ status: 400, code: 'RECORD_INVALID', errors: [{ field: '/body/total', rule: 'type' }] });
    await request('POST', '/v1/collections/orders/records', { data: { title: 'holder', total: 1, email: 'bulk-a@example.test' } });
    const bulk = await request('POST', '/v1/collections/orders/records/bulk', {
      operations: [
        { op: 'create', data: { title: 'one', total: 1 } },
        { op: 'patch', id: created!.id, patch: { email: 'bulk-a@example.test' } },
      ],
    });
    expect(bulk.body).toMatchObject({ status: 409, code: 'UNIQUE_VIOLATION', errors: [{ field: '/body/operations/1/patch/email', rule: 'unique' }] });
    const stale = await request('POST', '/v1/collections/orders/records/bulk', { operations: [{ op: 'delete', id: created!.id, expectedVersion: 7 }] });
    expect(stale.body).toMatchObject({ status: 412, code: 'VERSION_MISMATCH', errors: [{ field: '/body/operations/0/expectedVersion' }] });
  });

  it('enforces unique fields, and frees the value when the record is deleted', async () => {
    const first = await request('POST', '/v1/collections/orders/records', { data: { title: 'A', total: 1, email: 'ada@example.test' } });
    const clash = await request('POST', '/v1/collections/orders/records', { data: { title: 'B', total: 1, email: 'ada@example.test' } });
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({ code: 'UNIQUE_VIOLATION', errors: [{ field: '/body/data/email', rule: 'unique' }] });
    await request('DELETE', `/v1/collections/orders/records/${first.body!.id}`);
    expect((await request('POST', '/v1/collections/orders/records', { data: { title: 'B', total: 1, email: 'ada@example.test' } })).status).toBe(201);
    expect((await request('POST', `/v1/collections/orders/records/${first.body!.id}/restore`)).body).toMatchObject({ status: 409, code: 'UNIQUE_VIOLATION' });
  });

  it('applies a bulk request atomically: one bad operation writes nothing', async () => {
    const before = await outboxCount();
    const bad = await request('POST', '/v1/collections/orders/records/bulk', {
      operations: [
        { op: 'create', id: 'bulk-1', data: { title: 'ok', total: 1 } },
        { op: 'create', id: 'bulk-2', data: { title: '', total: 1 } },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'RECORD_INVALID', errors: [{ field: '/body/operations/1/data/title', rule: 'minLength' }] });
    expect((await request('GET', '/v1/collections/orders/records/bulk-1')).status).toBe(404);
    expect(await outboxCount()).toBe(before);

    const good = await request('POST', '/v1/collections/orders/records/bulk', {
      operations: [
        { op: 'create', id: 'bulk-1', data: { title: 'one', total: 1 } },
        { op: 'create', id: 'bulk-2', data: { title: 'two', total: 2 } },
        { op: 'patch', id: 'bulk-1', patch: { total: 3 } },
        { op: 'delete', id: 'bulk-2', expectedVersion: 1 },
      ],
    });
    expect(good.status).toBe(200);
    expect(good.body!.results.map((result: { op: string; record: { version: number } }) => [result.op, result.record.version])).toEqual([
      ['create', 1],
      ['create', 1],
      ['patch', 2],
      ['delete', 2],
    ]);
    expect(await outboxCount()).toBe(before + 4);
  });

  it('lists with a filter on an indexed field, a sort, cursors and a total', async () => {
    await request('POST', '/v1/collections', { name: 'books', schema: { type: 'object' } });
    for (const [title, pages] of [['Dune', 600], ['Emma', 300], ['Ulysses', 700], ['Beloved', 300], ['Ubik', 200]] as const) {
      await request('POST', '/v1/collections/books/records', { data: { title, pages, meta: { lang: title.startsWith('U') ? 'en-IE' : 'en' } } });
    }
    const filter = encodeURIComponent('pages >= 300 and meta.lang = "en"');
    const first = await request('GET', `/v1/collections/books/records?filter=${filter}&sort=-pages&limit=2&includeTotal=true`);
    expect(first.status).toBe(200);
    expect(first.body!.total).toBe(3);
    const second = await request('GET', `/v1/collections/books/records?filter=${filter}&sort=-pages&limit=2&cursor=${first.body!.nextCursor}`);
    const titles = [...first.body!.items, ...second.body!.items].map((item: { data: { title: string } }) => item.data.title);
    expect(titles.slice(0, 1)).toEqual(['Dune']);
    expect(new Set(titles.slice(1))).toEqual(new Set(['Emma', 'Beloved']));
    expect(second.body!.nextCursor).toBeNull();
    const injection = await request('GET', `/v1/collections/books/records?filter=${encodeURIComponent('title = "x\'; DROP TABLE records; --"')}`);
    expect(injection).toMatchObject({ status: 200, body: { items: [] } });
  });

  it('pages through every record when the sort field is missing from some of them', async () => {
    await request('POST', '/v1/collections', { name: 'sparse', schema: { type: 'object' } });
    for (const rank of [3, undefined, 1, undefined, 2]) await request('POST', '/v1/collections/sparse/records', { data: rank === undefined ? {} : { rank } });
    const seen: Array<number | null> = [];
    let cursor: string | null = null;
    do {
      const page = await request('GET', `/v1/collections/sparse/records?sort=rank&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body!.items.map((item: { data: { rank?: number } }) => item.data.rank ?? null));
      cursor = page.body!.nextCursor;
    } while (cursor);
    expect(seen).toEqual([null, null, 1, 2, 3]);
  });

  it('keeps tenants apart: another tenant sees a 404, never the record', async () => {
    const created = await request('POST', '/v1/collections/orders/records', { data: { title: 'Secret', total: 1 } });
    expect((await request('GET', `/v1/collections/orders/records/${created.body!.id}`, undefined, { 'x-hexbase-tenant': 'other' })).body).toMatchObject({ status: 404, code: 'COLLECTION_NOT_FOUND' });
    await request('POST', '/v1/collections', { name: 'orders', schema: orderSchema }, { 'x-hexbase-tenant': 'other' });
    expect((await request('GET', `/v1/collections/orders/records/${created.body!.id}`, undefined, { 'x-hexbase-tenant': 'other' })).body).toMatchObject({ status: 404, code: 'RECORD_NOT_FOUND' });
    expect((await request('GET', '/v1/collections/orders/records', undefined, { 'x-hexbase-tenant': 'other' })).body!.items).toEqual([]);
  });

  it('declares collection indexes as real PostgreSQL expression indexes', async () => {
    const { rows } = await records.pool.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'records' AND indexname LIKE 'records_ix_%'`);
    expect(rows.some((row) => row.indexdef.includes("'total'") && row.indexdef.includes('numeric'))).toBe(true);
  });
});

describe('bad input to the records API', () => {
  const huge = { data: { title: 'x'.repeat(2 * 1024 * 1024), total: 1 } };
  const cases: Array<[string, 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', string, unknown, Record<string, string>, number, string, string?]> = [
    ['collection with a bad name', 'POST', '/v1/collections', { name: 'Bad Name', schema: {} }, {}, 400, 'COLLECTION_INVALID', '/name'],
    ['collection without schema', 'POST', '/v1/collections', { name: 'x' }, {}, 400, 'VALIDATION_FAILED', '/body/schema'],
    ['collection with an invalid JSON Schema', 'POST', '/v1/collections', { name: 'x', schema: { type: 'object', properties: { a: { type: 'nonsense' } } } }, {}, 400, 'COLLECTION_INVALID', '/schema'],
    ['collection with an unknown property', 'POST', '/v1/collections', { name: 'x', schema: {}, colour: 'red' }, {}, 400, 'VALIDATION_FAILED', '/body/colour'],
    ['collection index of an unknown type', 'POST', '/v1/collections', { name: 'x', schema: {}, indexedFields: [{ field: 'a', type: 'blob' }] }, {}, 400, 'VALIDATION_FAILED', '/body/indexedFields/0/type'],
    ['existing collection', 'POST', '/v1/collections', { name: 'orders', schema: {} }, {}, 409, 'COLLECTION_EXISTS'],
    ['unknown collection', 'GET', '/v1/collections/nope', undefined, {}, 404, 'COLLECTION_NOT_FOUND'],
    ['record missing a required field', 'POST', '/v1/collections/orders/records', { data: { total: 1 } }, {}, 400, 'RECORD_INVALID', '/body/data/title'],
    ['record of the wrong type', 'POST', '/v1/collections/orders/records', { data: { title: 'a', total: 'ten' } }, {}, 400, 'RECORD_INVALID', '/body/data/total'],
    ['record with a field the schema forbids', 'POST', '/v1/collections/orders/records', { data: { title: 'a', total: 1, extra: true } }, {}, 400, 'RECORD_INVALID', '/body/data/extra'],
    ['record data that is not an object', 'POST', '/v1/collections/orders/records', { data: [1, 2] }, {}, 400, 'VALIDATION_FAILED', '/body/data'],
    ['record id with a slash', 'POST', '/v1/collections/orders/records', { id: 'a/b', data: { title: 'a', total: 1 } }, {}, 400, 'VALIDATION_FAILED', '/body/id'],
    ['record in an unknown collection', 'POST', '/v1/collections/nope/records', { data: {} }, {}, 404, 'COLLECTION_NOT_FOUND'],
    ['unknown record', 'GET', '/v1/collections/orders/records/missing', undefined, {}, 404, 'RECORD_NOT_FOUND'],
    ['replace of an unknown record', 'PUT', '/v1/collections/orders/records/missing', { data: { title: 'a', total: 1 } }, {}, 404, 'RECORD_NOT_FOUND'],
    ['malformed If-Match', 'PUT', '/v1/collections/orders/records/missing', { data: { title: 'a', total: 1 } }, { 'if-match': 'three' }, 400, 'INVALID_IF_MATCH', '/headers/if-match'],
    ['merge patch that is not an object', 'PATCH', '/v1/collections/orders/records/missing', [1], {}, 400, 'VALIDATION_FAILED', '/body'],
    ['unparsable filter', 'GET', '/v1/collections/orders/records?filter=' + encodeURIComponent('total >'), undefined, {}, 400, 'INVALID_FILTER', '/query/filter'],
    ['limit above the cap', 'GET', '/v1/collections/orders/records?limit=5000', undefined, {}, 400, 'VALIDATION_FAILED', '/query/limit'],
    ['unknown query parameter', 'GET', '/v1/collections/orders/records?colour=red', undefined, {}, 400, 'VALIDATION_FAILED', '/query/colour'],
    ['forged cursor', 'GET', '/v1/collections/orders/records?cursor=bm9wZQ', undefined, {}, 400, 'INVALID_CURSOR', '/query/cursor'],
    ['sort by an odd field', 'GET', '/v1/collections/orders/records?sort=' + encodeURIComponent('a;b'), undefined, {}, 400, 'VALIDATION_FAILED', '/query/sort'],
    ['bulk with no operations', 'POST', '/v1/collections/orders/records/bulk', { operations: [] }, {}, 400, 'VALIDATION_FAILED', '/body/operations'],
    ['bulk over the limit', 'POST', '/v1/collections/orders/records/bulk', { operations: Array.from({ length: 1001 }, () => ({ op: 'create', data: {} })) }, {}, 400, 'VALIDATION_FAILED', '/body/operations'],
    ['bulk update without an id', 'POST', '/v1/collections/orders/records/bulk', { operations: [{ op: 'replace', data: {} }] }, {}, 400, 'VALIDATION_FAILED', '/body/operations/0/id'],
    ['malformed tenant header', 'GET', '/v1/collections', undefined, { 'x-hexbase-tenant': 'Not A Tenant' }, 400, 'INVALID_TENANT', '/headers/x-hexbase-tenant'],
    ['body over the size limit', 'POST', '/v1/collections/orders/records', huge, {}, 413, 'PAYLOAD_TOO_LARGE'],
  ];

  it.each(cases)('%s gets a %i problem document naming the field', async (_name, method, url, body, headers, status, code, field) => {
    const before = await outboxCount();
    const response = await request(method, url, body, headers);
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status, code, title: expect.any(String), detail: expect.any(String) });
    if (field) expect(response.body!.errors.map((error: { field: string }) => error.field)).toContain(field);
    expect(await outboxCount()).toBe(before);
  });

  it('answers malformed JSON with 400 and a wrong content type with 415', async () => {
    const malformed = await records.app.inject({ method: 'POST', url: '/v1/collections/orders/records', headers: { 'content-type': 'application/json' }, payload: '{"data": {' });
    expect(malformed.statusCode).toBe(400);
    expect(JSON.parse(malformed.body)).toMatchObject({ code: 'MALFORMED_JSON' });
    const wrongType = await records.app.inject({ method: 'POST', url: '/v1/collections/orders/records', headers: { 'content-type': 'text/plain' }, payload: 'hello' });
    expect(wrongType.statusCode).toBe(415);
    expect(JSON.parse(wrongType.body)).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });
});
