import { describe, expect, it } from 'vitest';
import { parseFilter } from '@hexbase/filter';
import type { EventEnvelope } from '@hexbase/contracts';
import type { Collection } from '../domain/collection';
import type { StoredRecord } from '../domain/record';
import type { DecidedChanges, RecordQuery, RecordStore } from './ports';

export interface RecordStoreFixture {
  store: RecordStore;
  /** A collection with `email` unique, defined for tenant `t1`. */
  collection: Collection;
  outboxEvents(): Promise<EventEnvelope[]>;
}

const now = new Date('2026-01-02T03:04:05.000Z');

function record(collection: Collection, id: string, data: Record<string, unknown>, overrides: Partial<StoredRecord> = {}): StoredRecord {
  return { tenantId: collection.tenantId, collection: collection.name, id, data, version: 1, createdAt: now, updatedAt: now, deletedAt: null, purgedAt: null, ...overrides };
}

function event(record: StoredRecord, n: number): EventEnvelope {
  return {
    specversion: '1.0',
    id: `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`,
    source: '/test',
    type: 'record.created',
    subject: `${record.collection}/${record.id}`,
    time: now.toISOString(),
    datacontenttype: 'application/json',
    dataschema: 'urn:hexbase:schema:record.created:1',
    data: record.data,
    tenantid: record.tenantId,
    streamid: `${record.collection}/${record.id}`,
    streamversion: record.version,
  };
}

let eventCounter = 0;
function creating(...records: StoredRecord[]): (current: Map<string, StoredRecord>) => DecidedChanges {
  return () => ({
    changes: records.map((after) => ({ command: { op: 'create', id: after.id, data: after.data }, before: undefined, after, event: { type: 'record.created', data: {} } })),
    events: records.map((after) => event(after, ++eventCounter)),
  });
}

function query(overrides: Partial<RecordQuery> = {}): RecordQuery {
  return { sortField: 'id', descending: false, limit: 50, includeTotal: false, includeDeleted: false, ...overrides };
}

/** The behaviour every RecordStore must have: run against the in-memory twin and PostgreSQL. */
export function recordStoreContract(name: string, setup: () => Promise<RecordStoreFixture>): void {
  describe(`RecordStore contract: ${name}`, () => {
    it('commits records and their events together', async () => {
      const { store, collection, outboxEvents } = await setup();
      const before = (await outboxEvents()).length;
      const outcome = await store.change(collection, ['a'], creating(record(collection, 'a', { email: 'a@x.test' })));
      expect(outcome.replayed).toBe(false);
      expect(outcome.result.map((result) => [result.op, result.record.id, result.changed])).toEqual([['create', 'a', true]]);
      expect((await store.get('t1', collection.name, 'a'))?.data).toEqual({ email: 'a@x.test' });
      expect((await outboxEvents()).length).toBe(before + 1);
    });

    it('writes nothing when the decision throws', async () => {
      const { store, collection, outboxEvents } = await setup();
      const before = (await outboxEvents()).length;
      await expect(store.change(collection, ['b'], () => { throw new Error('refused'); })).rejects.toThrow('refused');
      expect(await store.get('t1', collection.name, 'b')).toBeUndefined();
      expect((await outboxEvents()).length).toBe(before);
    });

    it('hands the decision the current state of the named records', async () => {
      const { store, collection } = await setup();
      await store.change(collection, ['c'], creating(record(collection, 'c', { n: 1 })));
      let seen: StoredRecord | undefined;
      await store.change(collection, ['c', 'missing'], (current) => {
        seen = current.get('c');
        expect(current.has('missing')).toBe(false);
        return { changes: [], events: [] };
      });
      expect(seen?.data).toEqual({ n: 1 });
    });

    it('refuses a unique value held by another live record, and frees it on delete', async () => {
      const { store, collection } = await setup();
      await store.change(collection, ['u1'], creating(record(collection, 'u1', { email: 'same@x.test' })));
      await expect(store.change(collection, ['u2'], creating(record(collection, 'u2', { email: 'same@x.test' })))).rejects.toMatchObject({ code: 'UNIQUE_VIOLATION' });
      expect(await store.get('t1', collection.name, 'u2')).toBeUndefined();

      const deleted = record(collection, 'u1', { email: 'same@x.test' }, { version: 2, deletedAt: now });
      await store.change(collection, ['u1'], () => ({ changes: [{ command: { op: 'delete', id: 'u1' }, before: undefined, after: deleted, event: { type: 'record.deleted', data: {} } }], events: [event(deleted, ++eventCounter)] }));
      await store.change(collection, ['u2'], creating(record(collection, 'u2', { email: 'same@x.test' })));
      expect((await store.get('t1', collection.name, 'u2'))?.data).toEqual({ email: 'same@x.test' });
    });

    it('replays the first result for a repeated Idempotency-Key and refuses it for another request', async () => {
      const { store, collection, outboxEvents } = await setup();
      const key = { key: 'k-1', fingerprint: 'f-1' };
      const first = await store.change(collection, ['i1'], creating(record(collection, 'i1', { n: 1 })), key);
      const eventsAfterFirst = (await outboxEvents()).length;
      const second = await store.change(collection, ['i2'], creating(record(collection, 'i2', { n: 2 })), key);
      expect(second.replayed).toBe(true);
      expect(second.result.map((result) => result.record.id)).toEqual(first.result.map((result) => result.record.id));
      expect(second.result[0]!.record.createdAt).toEqual(first.result[0]!.record.createdAt);
      expect(await store.get('t1', collection.name, 'i2')).toBeUndefined();
      expect((await outboxEvents()).length).toBe(eventsAfterFirst);
      await expect(store.change(collection, ['i3'], creating(record(collection, 'i3', {})), { key: 'k-1', fingerprint: 'other' })).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED' });
    });

    it('lists with a filter, a sort and cursors that visit every match once, in order', async () => {
      const { store, collection } = await setup();
      const prices = [5, 3, 9, 1, 7, 3, 8];
      await store.change(
        collection,
        prices.map((_, index) => `p${index}`),
        creating(...prices.map((price, index) => record(collection, `p${index}`, { kind: 'item', price }))),
      );
      await store.change(collection, ['other'], creating(record(collection, 'other', { kind: 'note', price: 4 })));
      const filter = parseFilter('kind = "item" and price >= 3');
      const seen: Array<[string, number]> = [];
      let cursor: string | undefined;
      let total: number | undefined;
      do {
        const page = await store.list(collection, query({ filter, sortField: 'price', descending: true, limit: 2, includeTotal: true, ...(cursor ? { cursor } : {}) }));
        seen.push(...page.records.map((found): [string, number] => [found.id, found.data.price as number]));
        total = page.total;
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toEqual([['p2', 9], ['p6', 8], ['p4', 7], ['p0', 5], ['p5', 3], ['p1', 3]]);
      expect(total).toBe(6);
    });

    it('hides deleted records unless asked and never lists purged ones', async () => {
      const { store, collection } = await setup();
      await store.change(collection, ['d1', 'd2', 'd3'], creating(record(collection, 'd1', { tag: 'dp' }), record(collection, 'd2', { tag: 'dp' }), record(collection, 'd3', { tag: 'dp' })));
      const deleted = record(collection, 'd1', { tag: 'dp' }, { version: 2, deletedAt: now });
      const purged = record(collection, 'd2', {}, { version: 2, purgedAt: now });
      await store.change(collection, ['d1', 'd2'], () => ({
        changes: [
          { command: { op: 'delete', id: 'd1' }, before: undefined, after: deleted, event: { type: 'record.deleted', data: {} } },
          { command: { op: 'purge', id: 'd2' }, before: undefined, after: purged, event: { type: 'record.purged', data: {} } },
        ],
        events: [event(deleted, ++eventCounter), event(purged, ++eventCounter)],
      }));
      const filter = parseFilter('tag = "dp"');
      expect((await store.list(collection, query({ filter }))).records.map((found) => found.id)).toEqual(['d3']);
      expect((await store.list(collection, query({ filter, includeDeleted: true }))).records.map((found) => found.id)).toEqual(['d1', 'd3']);
      expect((await store.get('t1', collection.name, 'd2'))?.purgedAt).toEqual(now);
    });
  });
}
