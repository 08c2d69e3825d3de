import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@hexbase/contracts';
import type { EventLog } from './ports';

let counter = 0;
export function testEvent(overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  counter += 1;
  const hex = counter.toString(16).padStart(12, '0');
  return {
    specversion: '1.0',
    id: `0190b000-0000-7000-8000-${hex}`,
    source: '/test',
    type: 'record.created',
    subject: 'orders/o1',
    time: '2026-01-01T00:00:00.000Z',
    datacontenttype: 'application/json',
    dataschema: 'urn:hexbase:schema:record.created:1',
    data: { n: counter },
    tenantid: 't1',
    streamid: 'orders/o1',
    streamversion: 1,
    ...overrides,
  };
}

/** The behaviour every EventLog must have: run against the in-memory twin and PostgreSQL. */
export function eventLogContract(name: string, setup: () => Promise<EventLog>): void {
  describe(`EventLog contract: ${name}`, () => {
    it('appends the next version of a stream at the next global position, and returns it unchanged', async () => {
      const log = await setup();
      const head = await log.headPosition();
      const first = testEvent({ streamid: 'a/1', subject: 'a/1', streamversion: 1 });
      const second = testEvent({ streamid: 'a/1', subject: 'a/1', streamversion: 2, type: 'record.updated' });
      expect(await log.append(first)).toEqual({ kind: 'appended', position: head + 1 });
      expect(await log.append(second)).toEqual({ kind: 'appended', position: head + 2 });
      expect(await log.readStream('t1', 'a/1', 1, 10)).toEqual([
        { position: head + 1, event: first },
        { position: head + 2, event: second },
      ]);
    });

    it('treats a redelivered event as a duplicate and writes nothing', async () => {
      const log = await setup();
      const event = testEvent({ streamid: 'b/1', subject: 'b/1' });
      await log.append(event);
      const head = await log.headPosition();
      expect(await log.append(event)).toEqual({ kind: 'duplicate' });
      expect(await log.headPosition()).toBe(head);
    });

    it('refuses a version gap and a version already taken by another event', async () => {
      const log = await setup();
      await log.append(testEvent({ streamid: 'c/1', subject: 'c/1', streamversion: 1 }));
      expect(await log.append(testEvent({ streamid: 'c/1', subject: 'c/1', streamversion: 3 }))).toEqual({ kind: 'gap', currentVersion: 1 });
      expect(await log.append(testEvent({ streamid: 'c/1', subject: 'c/1', streamversion: 1 }))).toEqual({ kind: 'taken', currentVersion: 1 });
      expect((await log.readStream('t1', 'c/1', 1, 10)).length).toBe(1);
    });

    it('reads the global log after a position, filtered, for one tenant only', async () => {
      const log = await setup();
      const start = await log.headPosition();
      await log.append(testEvent({ streamid: 'd/1', subject: 'd/1', type: 'record.created' }));
      await log.append(testEvent({ streamid: 'd/1', subject: 'd/1', streamversion: 2, type: 'record.updated' }));
      await log.append(testEvent({ streamid: 'e/1', subject: 'e/1', type: 'record.created' }));
      await log.append(testEvent({ streamid: 'd/9', subject: 'd/9', tenantid: 't2' }));
      const all = await log.readLog({ tenantId: 't1', after: start, limit: 10 });
      expect(all.map((stored) => stored.event.streamid)).toEqual(['d/1', 'd/1', 'e/1']);
      expect(all.map((stored) => stored.position)).toEqual([start + 1, start + 2, start + 3]);
      expect((await log.readLog({ tenantId: 't1', after: start, limit: 10, types: ['record.updated'] })).map((stored) => stored.position)).toEqual([start + 2]);
      expect((await log.readLog({ tenantId: 't1', after: start, limit: 10, streamPrefix: 'e/' })).map((stored) => stored.event.streamid)).toEqual(['e/1']);
      expect((await log.readLog({ tenantId: 't2', after: start, limit: 10 })).map((stored) => stored.event.streamid)).toEqual(['d/9']);
      expect(await log.readLog({ tenantId: 't1', after: start + 1, limit: 1 })).toHaveLength(1);
    });
  });
}
