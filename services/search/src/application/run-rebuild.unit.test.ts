import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@hexbase/contracts';
import { createMemoryEventHistory } from '../adapters/memory/memory-event-history';
import { createMemorySearch } from '../adapters/memory/memory-search-index';
import { indexEvent } from './index-event';
import { runNextRebuild } from './run-rebuild';
import { givenCollection, searchRequest } from './search-index.contract';

let counter = 0;
function event(type: string, streamid: string, version: number, data: unknown, tenantid = 'acme'): EventEnvelope {
  counter += 1;
  return { specversion: '1.0', id: `e${counter}`, source: '/test', type, subject: streamid, time: '2026-01-01T00:00:00Z', datacontenttype: 'application/json', dataschema: `urn:hexbase:schema:${type}:1`, data, tenantid, streamid, streamversion: version };
}
const created = (id: string, title: string, collection = 'articles', tenant = 'acme') => event('record.created', `${collection}/${id}`, 1, { collection, id, version: 1, data: { title } }, tenant);

describe('rebuilding an index from the event store', () => {
  it('replays the collection’s record events into a new generation, skipping what does not belong, then swaps it in', async () => {
    const engine = createMemorySearch();
    await givenCollection(engine, 'acme');
    const history = createMemoryEventHistory();
    history.append(
      created('a1', 'Copper kettle'),
      created('b1', 'Copper wire', 'books'),
      created('a2', 'Iron kettle', 'articles', 'other'),
      event('record.created', 'articles/a3', 1, { collection: 'articles', id: 'wrong', version: 1, data: {} }),
      event('record.deleted', 'articles/a1', 2, { collection: 'articles', id: 'a1', version: 2, deletedAt: '2026-01-01T00:00:00Z' }),
      created('a4', 'Copper pan'),
    );
    await engine.request('acme', 'articles');
    expect(await runNextRebuild({ rebuilds: engine, builder: engine, history }, { owner: 'w', leaseMs: 1000, batchSize: 2 })).toBe(true);
    expect((await engine.search(searchRequest('acme', 'copper '))).hits.map((hit) => hit.id)).toEqual(['a4']);
    expect(await engine.progress('acme', 'articles')).toMatchObject({ source: 'event-store', status: 'active', processed: 4 });
    expect(await runNextRebuild({ rebuilds: engine, builder: engine, history }, { owner: 'w', leaseMs: 1000, batchSize: 2 })).toBe(false);
  });

  it('gives a failed rebuild back for a later attempt and rethrows', async () => {
    const engine = createMemorySearch();
    await givenCollection(engine, 'acme');
    await engine.request('acme', 'articles');
    const down = { readCollectionEvents: () => Promise.reject(new Error('unreachable')) };
    await expect(runNextRebuild({ rebuilds: engine, builder: engine, history: down }, { owner: 'w', leaseMs: 1000, batchSize: 2 })).rejects.toThrow('unreachable');
    expect(await engine.progress('acme', 'articles')).toMatchObject({ status: 'pending', error: 'unreachable', attempts: 1 });
  });
});

describe('indexing events from the bus', () => {
  it('applies record and collection events and ignores the others', async () => {
    const engine = createMemorySearch();
    await givenCollection(engine, 'acme');
    expect(await indexEvent(engine, created('k1', 'Kettle'))).toBe('applied');
    expect(await indexEvent(engine, created('k1', 'Kettle'))).toBe('stale');
    expect(await indexEvent(engine, event('notification.created', 'n/1', 1, {}))).toBe('ignored');
    expect(await indexEvent(engine, event('collection.updated', '_collections/articles', 1, { name: 'articles', search: null }))).toBe('stale');
  });
});
