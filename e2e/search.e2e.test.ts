import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAmqpConnection, type AmqpConnection } from '@hexbase/messaging';
import { eventually, testServers } from '@hexbase/testing';
import { call, startPipeline, type Pipeline } from './support/pipeline';

let pipeline: Pipeline;
let amqp: AmqpConnection;
const TOKEN = 'hexbase-consistency-token';

const settings = {
  searchableFields: [{ field: 'title', weight: 'A' }, { field: 'body', weight: 'D' }],
  filterableFields: ['status'],
  facetableFields: ['status'],
  sortableFields: ['title'],
  language: 'english',
};

beforeAll(async () => {
  pipeline = await startPipeline(testServers(), 'search_e2e', {}, { search: true });
  amqp = createAmqpConnection({ url: testServers().rabbitmqUrl, name: 'search-e2e-test' });
  await amqp.waitUntilConnected(10_000);
  const created = await call(pipeline.records, 'POST', '/v1/collections', { name: 'notes', schema: { type: 'object' }, search: settings });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  const channel = await amqp?.createChannel().catch(() => undefined);
  if (channel && pipeline) {
    for (const queue of [pipeline.eventStoreQueue, pipeline.searchQueue]) {
      for (const name of [queue, `${queue}.retry.1`, `${queue}.retry.2`, `${queue}.dlq`]) await channel.deleteQueue(name).catch(() => undefined);
    }
    await channel.deleteExchange(pipeline.exchange).catch(() => undefined);
  }
  await amqp?.close();
  await pipeline?.close();
});

const search = (query: string, token?: string) => call(pipeline.search!, 'GET', `/v1/search/notes?${query}`, undefined, token ? { [TOKEN]: token } : {});
const ids = (answer: { body: { hits: Array<{ id: string }> } }) => answer.body.hits.map((hit) => hit.id);

describe('search through the real processes', () => {
  it('finds a record written through records moments later, reading its own writes with the consistency token', async () => {
    const written = await call(pipeline.records, 'POST', '/v1/collections/notes/records', { id: 'n1', data: { title: 'Quarterly planning meeting', body: 'Budget and hiring', status: 'open' } });
    expect(written.status).toBe(201);
    const found = await search('q=planning', written.headers.get(TOKEN)!);
    expect(found.status).toBe(200);
    expect(ids(found)).toEqual(['n1']);

    const changed = await call(pipeline.records, 'PATCH', '/v1/collections/notes/records/n1', { title: 'Quarterly review meeting' });
    const afterChange = await search('q=review&highlight=true', changed.headers.get(TOKEN)!);
    expect(afterChange.body.hits[0]).toMatchObject({ id: 'n1', version: 2, highlights: { title: 'Quarterly <mark>review</mark> meeting' } });
    expect((await search('q=planning')).body.total).toBe(0);

    const deleted = await call(pipeline.records, 'DELETE', '/v1/collections/notes/records/n1');
    expect((await search('q=review', deleted.headers.get(TOKEN)!)).body.total).toBe(0);
    const restored = await call(pipeline.records, 'POST', '/v1/collections/notes/records/n1/restore');
    expect(ids(await search('q=review', restored.headers.get(TOKEN)!))).toEqual(['n1']);
  });

  it('follows a settings change made through records, with the collection’s consistency token', async () => {
    await call(pipeline.records, 'POST', '/v1/collections/notes/records', { id: 'n2', data: { title: 'Offsite', body: 'Lisbon', location: 'Portugal' } });
    const before = await eventually(async () => {
      const answer = await search('q=offsite');
      return answer.body.total === 1 ? answer : undefined;
    });
    expect(ids(before)).toEqual(['n2']);
    expect((await search('q=portugal')).body.total).toBe(0);

    const current = await call(pipeline.records, 'GET', '/v1/collections/notes');
    const changed = await call(
      pipeline.records,
      'PUT',
      '/v1/collections/notes',
      { schema: { type: 'object' }, search: { ...settings, searchableFields: [...settings.searchableFields, { field: 'location', weight: 'B' }] } },
      { 'if-match': current.headers.get('etag')! },
    );
    expect(changed.status).toBe(200);
    expect(ids(await search('q=portugal', changed.headers.get(TOKEN)!))).toEqual(['n2']);
  });

  it('rebuilds an index from the event store while records keep being written, and loses none of them', async () => {
    const tokens: string[] = [];
    for (let n = 0; n < 10; n += 1) {
      const written = await call(pipeline.records, 'POST', '/v1/collections/notes/records', { id: `r${n}`, data: { title: `Retrospective ${n}` } });
      tokens.push(written.headers.get(TOKEN)!);
    }
    expect((await search('q=retrospective&limit=100', tokens[9])).body.total).toBe(10);

    const started = await call(pipeline.search!, 'POST', '/v1/admin/search/notes/reindex');
    expect(started.status).toBe(202);
    for (let n = 10; n < 20; n += 1) {
      const written = await call(pipeline.records, 'POST', '/v1/collections/notes/records', { id: `r${n}`, data: { title: `Retrospective ${n}` } });
      tokens.push(written.headers.get(TOKEN)!);
    }
    const done = await eventually(async () => {
      const progress = await call(pipeline.search!, 'GET', '/v1/admin/search/notes/reindex');
      return progress.body.status === 'active' ? progress.body : undefined;
    }, { timeoutMs: 30_000, what: 'the rebuild to be swapped in' });
    expect(done).toMatchObject({ generation: started.body.generation, activeGeneration: started.body.generation, source: 'event-store' });
    expect(done.processed).toBeGreaterThan(0);
    for (const token of tokens) expect((await search('q=retrospective&limit=1', token)).status).toBe(200);
    expect((await search('q=retrospective&limit=100')).body.total).toBe(20);
    expect(ids(await search('q=review'))).toEqual(['n1']);
  });
});
