import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@hexbase/contracts';
import type { Collection, CollectionDefinition } from '../domain/collection';
import { searchSettingsFrom } from '../domain/search-settings';
import type { Collections } from './ports';

export interface CollectionsFixture {
  collections: Collections;
  /** A tenant no other test of the suite uses. */
  tenantId: string;
  /** Events committed to the outbox so far, in commit order. */
  outboxEvents(): Promise<EventEnvelope[]>;
}

const definition = (name: string, overrides: Partial<CollectionDefinition> = {}): CollectionDefinition => ({
  name,
  description: '',
  schema: { type: 'object' },
  uniqueFields: [],
  indexedFields: [],
  ...overrides,
});

let eventCounter = 0;
function announcement(collection: Collection): EventEnvelope {
  eventCounter += 1;
  return {
    specversion: '1.0',
    id: `0190b000-0000-7000-8000-${String(eventCounter).padStart(12, '0')}`,
    source: '/test',
    type: collection.version === 1 ? 'collection.created' : 'collection.updated',
    subject: `_collections/${collection.name}`,
    time: collection.updatedAt.toISOString(),
    datacontenttype: 'application/json',
    dataschema: 'urn:hexbase:schema:collection.created:1',
    data: { name: collection.name, version: collection.version, search: collection.search ?? null },
    tenantid: collection.tenantId,
    streamid: `_collections/${collection.name}`,
    streamversion: collection.version,
  };
}

const eventsOf = async (fixture: CollectionsFixture, tenantId: string) => (await fixture.outboxEvents()).filter((event) => event.tenantid === tenantId);

/** The behaviour every Collections store must have: run against the in-memory twin and PostgreSQL. */
export function collectionsContract(name: string, setup: () => Promise<CollectionsFixture>): void {
  describe(`Collections contract: ${name}`, () => {
    it('stores search settings with the definition and commits the announcing event with it', async () => {
      const fixture = await setup();
      const search = searchSettingsFrom({ searchableFields: [{ field: 'title', weight: 'A' }], facetableFields: ['brand'], language: 'english' });
      const { result } = await fixture.collections.create(fixture.tenantId, definition('products', { search }), announcement);
      expect(result.search).toEqual(search);
      expect((await fixture.collections.get(fixture.tenantId, 'products'))?.search).toEqual(search);
      const events = await eventsOf(fixture, fixture.tenantId);
      expect(events.map((event) => [event.type, event.streamid, event.streamversion])).toEqual([['collection.created', '_collections/products', 1]]);
    });

    it('leaves search out when the definition has none', async () => {
      const fixture = await setup();
      await fixture.collections.create(fixture.tenantId, definition('plain'), announcement);
      expect((await fixture.collections.get(fixture.tenantId, 'plain'))?.search).toBeUndefined();
    });

    it('commits an update and its event together, and neither when the change throws', async () => {
      const fixture = await setup();
      await fixture.collections.create(fixture.tenantId, definition('notes'), announcement);
      await expect(fixture.collections.update(fixture.tenantId, 'notes', () => { throw new Error('refused'); })).rejects.toThrow('refused');
      expect(await eventsOf(fixture, fixture.tenantId)).toHaveLength(1);

      const search = searchSettingsFrom({ searchableFields: [{ field: 'body' }] });
      const { result } = await fixture.collections.update(fixture.tenantId, 'notes', (current) => {
        const next = { ...current, search, version: current.version + 1, updatedAt: new Date() };
        return { collection: next, event: announcement(next) };
      });
      expect(result).toMatchObject({ version: 2, search });
      const events = await eventsOf(fixture, fixture.tenantId);
      expect(events.map((event) => [event.type, event.streamversion])).toEqual([['collection.created', 1], ['collection.updated', 2]]);
    });

    it('writes no second event when an Idempotency-Key replays a definition', async () => {
      const fixture = await setup();
      const key = { key: 'define-once', fingerprint: 'f' };
      await fixture.collections.create(fixture.tenantId, definition('once'), announcement, key);
      const again = await fixture.collections.create(fixture.tenantId, definition('once'), announcement, key);
      expect(again.replayed).toBe(true);
      expect(await eventsOf(fixture, fixture.tenantId)).toHaveLength(1);
    });

    it('writes no event for a name that is taken', async () => {
      const fixture = await setup();
      await fixture.collections.create(fixture.tenantId, definition('taken'), announcement);
      await expect(fixture.collections.create(fixture.tenantId, definition('taken'), announcement)).rejects.toMatchObject({ code: 'COLLECTION_EXISTS' });
      expect(await eventsOf(fixture, fixture.tenantId)).toHaveLength(1);
    });
  });
}
