import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { compileFilterToSql, parseFilter } from '@hexbase/filter';
import { RecordEventType, recordSchemaUri, type EventEnvelope } from '@hexbase/contracts';
import { createTestDatabase, testServers } from '@hexbase/testing';
import { createMemoryEventHistory } from '../memory/memory-event-history';
import { ARTICLE_SETTINGS, givenCollection, rebuildAll, searchRequest, upsert, type SearchEngine } from '../../application/search-index.contract';
import { runNextRebuild } from '../../application/run-rebuild';
import { createPgSearchEngine, createSearchPool, migrateSearch } from '../../test-support';

let database: { url: string; drop(): Promise<void> };
let pool: pg.Pool;
let engine: SearchEngine;
let tenantCounter = 0;
const nextTenant = () => `pg${++tenantCounter}`;

beforeAll(async () => {
  database = await createTestDatabase(testServers().databaseUrl, 'pg_search_engine');
  await migrateSearch(database.url);
  pool = createSearchPool(database.url);
  engine = createPgSearchEngine(pool);
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

function createdEvent(tenantId: string, recordId: string, version: number, data: Record<string, unknown>): EventEnvelope {
  const type = version === 1 ? RecordEventType.created : RecordEventType.updated;
  return {
    specversion: '1.0',
    id: randomUUID(),
    source: '/test',
    type,
    subject: `articles/${recordId}`,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    dataschema: recordSchemaUri(type),
    data: { collection: 'articles', id: recordId, version, data, previous: {}, changedFields: [] },
    tenantid: tenantId,
    streamid: `articles/${recordId}`,
    streamversion: version,
  };
}

const BRANDS = ['acme', 'globex', 'initech', 'umbrella'];
const COLOURS = ['red', 'green', 'blue'];
function corpusRecord(n: number): Record<string, unknown> {
  return {
    title: `${n % 3 === 0 ? 'alpha' : 'beta'} lamp ${n}`,
    brand: BRANDS[n % BRANDS.length],
    tags: [COLOURS[n % COLOURS.length], ...(n % 5 === 0 ? ['sale'] : [])],
    price: (n % 17) * 5,
    inStock: n % 4 !== 0,
  };
}

describe('the PostgreSQL search index', () => {
  it('stems words in the collection language', async () => {
    const tenantId = nextTenant();
    await givenCollection(engine, tenantId, { ...ARTICLE_SETTINGS, language: 'english' });
    await engine.applyRecordChange(upsert(tenantId, 'e1', 1, { title: 'Running shoes for trail runners' }));
    expect((await engine.search(searchRequest(tenantId, 'run shoe '))).hits.map((hit) => hit.id)).toEqual(['e1']);
    const [hit] = (await engine.search(searchRequest(tenantId, 'runs ', { highlight: true }))).hits;
    expect(hit!.highlights).toEqual({ title: '<mark>Running</mark> shoes for trail runners' });
  });

  it('counts facet values exactly as a GROUP BY over the same filter and query', async () => {
    const tenantId = nextTenant();
    await givenCollection(engine, tenantId, { ...ARTICLE_SETTINGS, filterableFields: ['brand', 'tags', 'price', 'inStock'] });
    const corpus = Array.from({ length: 120 }, (_, n) => corpusRecord(n));
    for (const [n, data] of corpus.entries()) await engine.applyRecordChange(upsert(tenantId, `f${n}`, 1, data));
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query('CREATE TEMP TABLE corpus (data jsonb NOT NULL)');
      await client.query('INSERT INTO corpus SELECT jsonb_array_elements($1::jsonb)', [JSON.stringify(corpus)]);
      for (const filterText of ['inStock = true and price >= 20', 'brand in ["acme", "globex"] or tags contains "sale"', 'not (price < 40)']) {
        const filter = parseFilter(filterText);
        const compiled = compileFilterToSql(filter, { jsonColumn: 'data', firstParameterIndex: 1 });
        for (const [q, textCondition] of [['', 'TRUE'], ['alpha ', `data->>'title' LIKE 'alpha %'`]] as const) {
          const answer = await engine.search(searchRequest(tenantId, q, { filter, facets: ['brand', 'tags', 'price'], limit: 1 }));
          const { rows: brands } = await client.query<{ value: string; count: number }>(
            `SELECT data->>'brand' AS value, count(*)::int AS count FROM corpus WHERE ${compiled.sql} AND ${textCondition} GROUP BY 1 ORDER BY 2 DESC, 1`,
            compiled.params,
          );
          const { rows: tags } = await client.query<{ value: string; count: number }>(
            `SELECT t AS value, count(*)::int AS count FROM corpus, jsonb_array_elements_text(data->'tags') AS t WHERE ${compiled.sql} AND ${textCondition} GROUP BY 1 ORDER BY 2 DESC, 1`,
            compiled.params,
          );
          const { rows: range } = await client.query<{ total: number; min: number; max: number }>(
            `SELECT count(*)::int AS total, min((data->>'price')::numeric)::float8 AS min, max((data->>'price')::numeric)::float8 AS max FROM corpus WHERE ${compiled.sql} AND ${textCondition}`,
            compiled.params,
          );
          const sorted = (values: Array<{ value: unknown; count: number }>) => [...values].sort((left, right) => right.count - left.count || String(left.value).localeCompare(String(right.value)));
          expect(answer.total).toBe(range[0]!.total);
          expect(sorted(answer.facets.brand!.values)).toEqual(sorted(brands));
          expect(sorted(answer.facets.tags!.values)).toEqual(sorted(tags));
          expect(answer.facets.price).toMatchObject({ min: range[0]!.min, max: range[0]!.max });
        }
      }
    } finally {
      await client.end();
    }
  });

  it('never lets one tenant see, count or be corrected by another tenant’s documents', async () => {
    const mine = nextTenant();
    const theirs = nextTenant();
    await givenCollection(engine, mine);
    await givenCollection(engine, theirs);
    await engine.applyRecordChange(upsert(mine, 'm1', 1, { title: 'Airship model', brand: 'mine' }));
    await engine.applyRecordChange(upsert(theirs, 'm1', 1, { title: 'Zeppelin airship', brand: 'theirs' }));
    await engine.applyRecordChange(upsert(theirs, 't2', 1, { title: 'Zeppelin poster', brand: 'theirs' }));

    const answer = await engine.search(searchRequest(mine, 'airship ', { facets: ['brand'] }));
    expect(answer.hits.map((hit) => [hit.id, hit.data.title])).toEqual([['m1', 'Airship model']]);
    expect(answer.facets.brand!.values).toEqual([{ value: 'mine', count: 1 }]);
    expect((await engine.search(searchRequest(mine, 'zepelin '))).corrections).toEqual({});
    expect((await engine.search(searchRequest(theirs, 'zepelin '))).corrections).toEqual({ zepelin: ['zeppelin'] });
    const request = { tenantId: mine, collection: 'articles', field: 'brand', prefix: '', query: searchRequest(mine, '').query, typoTolerance: true, limit: 10 };
    expect(await engine.facetValues(request)).toEqual([{ value: 'mine', count: 1 }]);
  });

  it('rebuilds from the event store while writes go on, losing none of them, and answers from the old index meanwhile', async () => {
    const tenantId = nextTenant();
    await givenCollection(engine, tenantId);
    const history = createMemoryEventHistory();
    const RECORDS = 60;
    for (let n = 0; n < RECORDS; n += 1) {
      const event = createdEvent(tenantId, `r${n}`, 1, { title: `Lantern ${n}` });
      history.append(event);
      await engine.applyRecordChange(upsert(tenantId, `r${n}`, 1, { title: `Lantern ${n}` }));
    }
    // A document the index lost: the rebuild brings it back from the event store.
    await pool.query(`DELETE FROM documents WHERE tenant_id = $1 AND record_id = 'r7'`, [tenantId]);
    await engine.request(tenantId, 'articles');

    let writes = 0;
    let searchesDuringRebuild = 0;
    const writer = (async () => {
      // Live events while the rebuild runs; only some have reached the event store yet.
      for (let n = 0; n < 40; n += 1) {
        const id = n % 2 === 0 ? `r${n}` : `new${n}`;
        const version = n % 2 === 0 ? 2 : 1;
        const data = { title: `Lantern ${n} v${version}` };
        await engine.applyRecordChange(upsert(tenantId, id, version, data));
        if (n % 4 === 0) history.append(createdEvent(tenantId, id, version, data));
        writes += 1;
        const during = await engine.search(searchRequest(tenantId, 'lantern ', { limit: 1 }));
        if ((await engine.progress(tenantId, 'articles'))?.status === 'building') {
          expect(during.total).toBeGreaterThanOrEqual(RECORDS - 1);
          searchesDuringRebuild += 1;
        }
      }
    })();
    while (await runNextRebuild({ rebuilds: engine, builder: engine, history }, { owner: 'rebuilder', leaseMs: 30_000, batchSize: 3 }));
    await writer;
    await rebuildAll(engine, history);

    expect(writes).toBe(40);
    expect(searchesDuringRebuild).toBeGreaterThan(0);
    const progress = await engine.progress(tenantId, 'articles');
    expect(progress).toMatchObject({ source: 'event-store', status: 'active' });
    expect(progress!.activeGeneration).toBe(progress!.generation);
    const all = await engine.search(searchRequest(tenantId, 'lantern ', { limit: 100 }));
    expect(all.total).toBe(RECORDS + 20);
    for (let n = 0; n < 40; n += 1) {
      const id = n % 2 === 0 ? `r${n}` : `new${n}`;
      expect(await engine.indexedVersion(tenantId, 'articles', id)).toBe(n % 2 === 0 ? 2 : 1);
    }
    expect(await engine.indexedVersion(tenantId, 'articles', 'r7')).toBe(1);
    const { rows } = await pool.query<{ generations: number }>('SELECT count(DISTINCT generation)::int AS generations FROM documents WHERE tenant_id = $1', [tenantId]);
    expect(rows[0]!.generations).toBe(1);
  });

  it('hands an abandoned rebuild to another worker once its lease runs out, and stops the first one', async () => {
    const tenantId = nextTenant();
    await givenCollection(engine, tenantId);
    await engine.applyRecordChange(upsert(tenantId, 'x1', 1, { title: 'Compass' }));
    const shortLease = createPgSearchEngine(pool, 1_000);
    await shortLease.request(tenantId, 'articles');
    const first = (await shortLease.claim('first', 30_000))!;
    expect(first).toMatchObject({ tenantId, source: 'event-store', owner: 'first' });
    expect(await shortLease.claim('second', 30_000)).toBeUndefined();
    await pool.query(`UPDATE generations SET lease_until = now() - interval '1 second' WHERE tenant_id = $1 AND generation = $2`, [tenantId, first.generation]);
    const second = (await shortLease.claim('second', 30_000))!;
    expect(second.generation).toBe(first.generation);
    await expect(shortLease.apply(first, [], '0', 0)).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await shortLease.swapIn(second);
    expect(await engine.search(searchRequest(tenantId, 'compass '))).toMatchObject({ total: 1 });
  });

  it('retries a failed rebuild later and keeps searching the old index', async () => {
    const tenantId = nextTenant();
    await givenCollection(engine, tenantId);
    await engine.applyRecordChange(upsert(tenantId, 'y1', 1, { title: 'Sextant' }));
    await engine.request(tenantId, 'articles');
    const failing = { readCollectionEvents: async () => Promise.reject(new Error('event store down')) };
    await expect(runNextRebuild({ rebuilds: engine, builder: engine, history: failing }, { owner: 'w', leaseMs: 30_000, batchSize: 10 })).rejects.toThrow('event store down');
    expect(await engine.progress(tenantId, 'articles')).toMatchObject({ status: 'pending', attempts: 1, error: 'event store down' });
    expect(await engine.search(searchRequest(tenantId, 'sextant '))).toMatchObject({ total: 1 });
    await pool.query(`UPDATE generations SET retry_at = now() - interval '1 second' WHERE tenant_id = $1 AND status = 'pending'`, [tenantId]);
    await rebuildAll(engine);
    expect(await engine.progress(tenantId, 'articles')).toMatchObject({ status: 'active', attempts: 2 });
    expect(await engine.search(searchRequest(tenantId, 'sextant '))).toMatchObject({ total: 1 });
  });
});
