import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@hexbase/contracts';
import type { EventHistory } from './ports';

export interface EventHistoryFixture {
  history: EventHistory;
  /** Puts events into the log, in this order, and resolves once they can be read. */
  append(...events: EventEnvelope[]): Promise<void>;
}

function event(tenantid: string, streamid: string, type: string, version: number, data: Record<string, unknown>): EventEnvelope {
  return { specversion: '1.0', id: randomUUID(), source: '/test', type, subject: streamid, time: new Date().toISOString(), datacontenttype: 'application/json', dataschema: `urn:hexbase:schema:${type}:1`, data, tenantid, streamid, streamversion: version };
}

/** The behaviour every EventHistory must have: run against the in-memory twin and the event store's HTTP API. */
export function eventHistoryContract(name: string, setup: () => Promise<EventHistoryFixture>): void {
  describe(`EventHistory contract: ${name}`, () => {
    it('reads one tenant’s record events of one collection in log order, page by page', async () => {
      const { history, append } = await setup();
      const tenant = `t-${randomUUID().slice(0, 8)}`;
      const collection = `c${randomUUID().slice(0, 8)}`;
      const wanted = [
        event(tenant, `${collection}/a`, 'record.created', 1, { collection, id: 'a', version: 1, data: { n: 1 } }),
        event(tenant, `${collection}/b`, 'record.created', 1, { collection, id: 'b', version: 1, data: { n: 2 } }),
        event(tenant, `${collection}/a`, 'record.updated', 2, { collection, id: 'a', version: 2, data: { n: 3 }, previous: { n: 1 }, changedFields: ['n'] }),
      ];
      const noise = [
        event(tenant, `${collection}x/a`, 'record.created', 1, { collection: `${collection}x`, id: 'a', version: 1, data: {} }),
        event(`${tenant}-other`, `${collection}/a`, 'record.created', 1, { collection, id: 'a', version: 1, data: {} }),
        event(tenant, `_collections/${collection}`, 'collection.created', 1, { name: collection, version: 1, search: null }),
      ];
      await append(wanted[0]!, noise[0]!, noise[1]!, wanted[1]!, noise[2]!, wanted[2]!);

      const first = await history.readCollectionEvents(tenant, collection, 0, 2);
      expect(first.events.map((found) => found.id)).toEqual([wanted[0]!.id, wanted[1]!.id]);
      const second = await history.readCollectionEvents(tenant, collection, first.lastPosition, 2);
      expect(second.events.map((found) => found.id)).toEqual([wanted[2]!.id]);
      expect(second.events[0]).toMatchObject({ type: 'record.updated', streamversion: 2, data: { data: { n: 3 } } });
      const after = await history.readCollectionEvents(tenant, collection, second.lastPosition, 2);
      expect(after).toEqual({ events: [], lastPosition: second.lastPosition });
    });
  });
}
