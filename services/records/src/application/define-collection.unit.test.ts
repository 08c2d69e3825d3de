import { describe, expect, it } from 'vitest';
import type { Clock } from '@hexbase/ports';
import { createAjvSchemaValidator } from '../adapters/ajv/ajv-schema-validator';
import { createMemoryCollections } from '../adapters/memory/memory-collections';
import { createMemoryRecordStore } from '../adapters/memory/memory-record-store';
import { searchSettingsFrom } from '../domain/search-settings';
import { createCollection } from './create-collection';
import type { RecordsDeps } from './deps';
import { updateCollection } from './update-collection';

const clock: Clock = { now: () => new Date('2026-05-01T12:00:00.000Z') };

function given() {
  let counter = 0;
  const collections = createMemoryCollections(clock);
  const deps: RecordsDeps = {
    collections,
    records: createMemoryRecordStore(),
    validator: createAjvSchemaValidator(),
    ids: { next: () => `0190c000-0000-7000-8000-${String(++counter).padStart(12, '0')}` },
    clock,
  };
  return { deps, outbox: collections.outbox };
}

const base = { name: 'articles', description: 'Blog posts', schema: { type: 'object' }, uniqueFields: [], indexedFields: [] };
const search = searchSettingsFrom({ searchableFields: [{ field: 'title', weight: 'A' }, { field: 'body' }], language: 'english' });

describe('defining a collection', () => {
  it('announces the definition, search settings included, on the stream _collections/<name>', async () => {
    const { deps, outbox } = given();
    await createCollection(deps, 'acme', { ...base, search }, undefined, { correlationId: 'req-7' });
    expect(outbox).toEqual([
      {
        specversion: '1.0',
        id: '0190c000-0000-7000-8000-000000000001',
        source: '/hexbase/records',
        type: 'collection.created',
        subject: '_collections/articles',
        time: '2026-05-01T12:00:00.000Z',
        datacontenttype: 'application/json',
        dataschema: 'urn:hexbase:schema:collection.created:1',
        data: { ...base, version: 1, search },
        tenantid: 'acme',
        streamid: '_collections/articles',
        streamversion: 1,
        correlationid: 'req-7',
      },
    ]);
  });

  it('announces each change with the collection version and the keys that changed; leaving search out removes it', async () => {
    const { deps, outbox } = given();
    await createCollection(deps, 'acme', base);
    await updateCollection(deps, 'acme', { ...base, search }, 1);
    await updateCollection(deps, 'acme', { ...base, description: 'Posts' }, 2);
    expect(outbox.map((event) => [event.type, event.streamversion, (event.data as { changedFields?: string[] }).changedFields])).toEqual([
      ['collection.created', 1, undefined],
      ['collection.updated', 2, ['search']],
      ['collection.updated', 3, ['description', 'search']],
    ]);
    expect((outbox[2]!.data as { search: unknown }).search).toBeNull();
    expect((await deps.collections.get('acme', 'articles'))?.search).toBeUndefined();
  });

  it('refuses invalid search settings and announces nothing', async () => {
    const { deps, outbox } = given();
    await expect(createCollection(deps, 'acme', { ...base, search: { ...search, language: 'klingon' as 'english' } })).rejects.toMatchObject({
      code: 'COLLECTION_INVALID',
      violations: [{ field: '/search/language', rule: 'enum' }],
    });
    expect(outbox).toEqual([]);
  });
});
