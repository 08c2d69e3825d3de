import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isHexbaseError } from '@hexbase/contracts';
import { uuidV7Ids } from '@hexbase/ports';
import type { ExpectedVersion } from '../domain/expected-version';
import { appendToStream, type EventInput } from './append-to-stream';
import type { EventLog, Streams } from './ports';

export interface StreamsHarness {
  streams: Streams;
  log: EventLog;
  markDeleted(tenantId: string, streamId: string): Promise<void>;
  /** Ids of the events waiting in the outbox, in order. */
  outboxIds(): Promise<string[]>;
}

const clock = { now: () => new Date('2026-03-01T10:00:00.000Z') };

export function append(streams: Streams, tenantId: string, streamId: string, expectedVersion: ExpectedVersion, events: EventInput[], correlationId?: string) {
  return appendToStream({ streams, ids: uuidV7Ids, clock }, { tenantId, streamId, expectedVersion, events, ...(correlationId ? { correlationId } : {}) });
}

export function newEvents(count: number, overrides: Partial<EventInput> = {}): EventInput[] {
  return Array.from({ length: count }, (_, index) => ({ id: randomUUID(), type: 'order.noted', data: { n: index }, ...overrides }));
}

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; extensions: Record<string, unknown> }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!isHexbaseError(error)) throw new Error(`expected a HexbaseError, got ${String(error)}`);
  return { code: error.code, extensions: error.extensions };
}

/** The behaviour every Streams adapter must have: run against the in-memory twin and PostgreSQL. */
export function streamsContract(name: string, setup: () => Promise<StreamsHarness>): void {
  describe(`Streams contract: ${name}`, () => {
    const tenant = () => `t-${randomUUID().slice(0, 8)}`;

    it('appends a batch at the next versions and global positions, with a copy of each event in the outbox', async () => {
      const { streams, log, outboxIds } = await setup();
      const tenantId = tenant();
      const before = await log.headPosition();
      const first = newEvents(2);
      const result = await append(streams, tenantId, 'order-1', 'no_stream', first);
      expect(result).toEqual({ version: 2, replayed: false, events: [{ id: first[0]!.id, version: 1, position: before + 1 }, { id: first[1]!.id, version: 2, position: before + 2 }] });
      const second = await append(streams, tenantId, 'order-1', 2, newEvents(1));
      expect(second.version).toBe(3);
      expect(await streams.info(tenantId, 'order-1')).toEqual({ version: 3, truncatedBefore: 0 });
      const stored = await streams.read(tenantId, 'order-1', { fromVersion: 1, direction: 'forward', limit: 10 });
      expect(stored.map((entry) => [entry.event.streamversion, entry.event.source, entry.event.subject, entry.event.tenantid])).toEqual([
        [1, '/hexbase/event-store', 'order-1', tenantId],
        [2, '/hexbase/event-store', 'order-1', tenantId],
        [3, '/hexbase/event-store', 'order-1', tenantId],
      ]);
      expect(stored[0]!.event.data).toEqual({ n: 0 });
      expect(await outboxIds()).toEqual(expect.arrayContaining([...first.map((event) => event.id), second.events[0]!.id]));
    });

    it('reads a stream backward from a version, and forward from one', async () => {
      const { streams } = await setup();
      const tenantId = tenant();
      await append(streams, tenantId, 'order-2', 'no_stream', newEvents(5));
      const versions = async (fromVersion: number, direction: 'forward' | 'backward', limit: number) =>
        (await streams.read(tenantId, 'order-2', { fromVersion, direction, limit })).map((entry) => entry.event.streamversion);
      expect(await versions(4, 'backward', 2)).toEqual([4, 3]);
      expect(await versions(5, 'backward', 10)).toEqual([5, 4, 3, 2, 1]);
      expect(await versions(3, 'forward', 10)).toEqual([3, 4, 5]);
      expect(await versions(6, 'forward', 10)).toEqual([]);
      expect(await streams.read(tenant(), 'order-2', { fromVersion: 1, direction: 'forward', limit: 10 })).toEqual([]);
    });

    it.each<[string, ExpectedVersion, number, boolean]>([
      ['any on a new stream', 'any', 0, true],
      ['any on a stream with events', 'any', 2, true],
      ['no_stream on a new stream', 'no_stream', 0, true],
      ['no_stream on a stream with events', 'no_stream', 2, false],
      ['exists on a new stream', 'exists', 0, false],
      ['exists on a stream with events', 'exists', 2, true],
      ['0 on a new stream', 0, 0, true],
      ['the current version', 2, 2, true],
      ['a stale version', 1, 2, false],
      ['a future version', 3, 2, false],
    ])('checks the expected version: %s', async (_, expectedVersion, existing, accepted) => {
      const { streams, log } = await setup();
      const tenantId = tenant();
      if (existing > 0) await append(streams, tenantId, 'order-3', 'no_stream', newEvents(existing));
      const head = await log.headPosition();
      const attempt = append(streams, tenantId, 'order-3', expectedVersion, newEvents(1));
      if (accepted) {
        expect((await attempt).version).toBe(existing + 1);
      } else {
        expect(await codeOf(attempt)).toEqual({ code: 'STREAM_VERSION_CONFLICT', extensions: { currentVersion: existing, expectedVersion } });
        expect(await log.headPosition()).toBe(head);
        expect((await streams.info(tenantId, 'order-3'))?.version ?? 0).toBe(existing);
      }
    });

    it('checks an expected version with an empty batch and writes nothing, not even an unknown stream', async () => {
      const { streams, log } = await setup();
      const tenantId = tenant();
      await append(streams, tenantId, 'order-4', 'no_stream', newEvents(2));
      const head = await log.headPosition();
      expect(await append(streams, tenantId, 'order-4', 2, [])).toEqual({ version: 2, events: [], replayed: false });
      expect(await codeOf(append(streams, tenantId, 'order-4', 1, []))).toMatchObject({ code: 'STREAM_VERSION_CONFLICT', extensions: { currentVersion: 2 } });
      expect(await append(streams, tenantId, 'order-new', 'no_stream', [])).toEqual({ version: 0, events: [], replayed: false });
      expect(await streams.info(tenantId, 'order-new')).toBeUndefined();
      expect(await log.headPosition()).toBe(head);
    });

    it('answers a retried batch with the versions and positions it got, and writes nothing', async () => {
      const { streams, log, outboxIds } = await setup();
      const tenantId = tenant();
      const batch = newEvents(3);
      const first = await append(streams, tenantId, 'order-5', 'no_stream', batch);
      await append(streams, tenantId, 'order-5', 3, newEvents(1));
      const head = await log.headPosition();
      const outbox = await outboxIds();
      const retried = await append(streams, tenantId, 'order-5', 'no_stream', structuredClone(batch));
      expect(retried).toEqual({ ...first, replayed: true });
      expect(await log.headPosition()).toBe(head);
      expect(await outboxIds()).toEqual(outbox);
      expect((await streams.info(tenantId, 'order-5'))?.version).toBe(4);
    });

    it('refuses an id reused with other content, in another order or stream, or beside a new event', async () => {
      const { streams, log } = await setup();
      const tenantId = tenant();
      const batch = newEvents(2);
      await append(streams, tenantId, 'order-6', 'no_stream', batch);
      const head = await log.headPosition();
      const reused = [
        [{ ...batch[0]!, data: { n: 99 } }, batch[1]!],
        [{ ...batch[0]!, type: 'order.other' }, batch[1]!],
        [batch[0]!, ...newEvents(1)],
        [batch[1]!, batch[0]!],
      ];
      for (const events of reused) expect((await codeOf(append(streams, tenantId, 'order-6', 'any', events))).code).toBe('EVENT_ID_REUSED');
      expect((await codeOf(append(streams, tenantId, 'order-7', 'any', batch))).code).toBe('EVENT_ID_REUSED');
      expect((await codeOf(append(streams, tenant(), 'order-6', 'any', batch))).code).toBe('EVENT_ID_REUSED');
      expect(await log.headPosition()).toBe(head);
    });

    it('refuses appends to a soft-deleted stream, even with expected version any', async () => {
      const { streams, markDeleted } = await setup();
      const tenantId = tenant();
      await append(streams, tenantId, 'order-8', 'no_stream', newEvents(1));
      await markDeleted(tenantId, 'order-8');
      expect((await codeOf(append(streams, tenantId, 'order-8', 'any', newEvents(1)))).code).toBe('STREAM_DELETED');
      expect((await streams.info(tenantId, 'order-8'))?.deletedAt).toEqual(expect.any(String));
    });

    it('finds the version a stream had at a point in time', async () => {
      const { streams, log } = await setup();
      const tenantId = tenant();
      const times = ['2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', '2026-01-01T00:00:01.000Z', '2026-01-02T00:00:00.000Z'];
      for (const [index, time] of times.entries()) {
        await log.append({ specversion: '1.0', id: randomUUID(), source: '/test', type: 'record.updated', subject: 'tasks/t1', time, datacontenttype: 'application/json', dataschema: 'urn:hexbase:schema:record.updated:1', data: {}, tenantid: tenantId, streamid: 'tasks/t1', streamversion: index + 1 });
      }
      const at = (text: string) => streams.versionAt(tenantId, 'tasks/t1', new Date(text));
      expect(await at('2025-12-31T23:59:59.999Z')).toBe(0);
      expect(await at('2026-01-01T00:00:00.000Z')).toBe(1);
      expect(await at('2026-01-01T00:00:00.999Z')).toBe(1);
      expect(await at('2026-01-01T00:00:01.000Z')).toBe(3);
      expect(await at('2030-01-01T00:00:00.000Z')).toBe(4);
    });

    it('reads the events of one correlation id in log order, for one tenant, leaving out deleted streams', async () => {
      const { streams, markDeleted } = await setup();
      const [acme, globex] = [tenant(), tenant()];
      const correlation = `corr-${randomUUID()}`;
      const placed = await append(streams, acme, 'order-9', 'any', newEvents(1), correlation);
      await append(streams, acme, 'order-10', 'any', newEvents(1), 'another');
      const shipped = await append(streams, acme, 'shipment-9', 'any', newEvents(2), correlation);
      await append(streams, globex, 'order-9', 'any', newEvents(1), correlation);
      await append(streams, acme, 'order-11', 'any', newEvents(1, { correlationId: correlation }), 'ignored-default');
      const ids = async (tenantId: string, after = 0, limit = 100) => (await streams.readCorrelated(tenantId, correlation, after, limit)).map((entry) => entry.event.id);
      const all = await ids(acme);
      expect(all.slice(0, 3)).toEqual([placed.events[0]!.id, ...shipped.events.map((event) => event.id)]);
      expect(all).toHaveLength(4);
      expect(await ids(acme, placed.events[0]!.position, 1)).toEqual([shipped.events[0]!.id]);
      expect(await ids(globex)).toHaveLength(1);
      await markDeleted(acme, 'shipment-9');
      expect(await ids(acme)).toHaveLength(2);
    });

    it('lets exactly one of concurrent batches with the same expected version win', async () => {
      const { streams, log } = await setup();
      const tenantId = tenant();
      for (let round = 0; round < 10; round += 1) {
        const streamId = `order-12-${round}`;
        await append(streams, tenantId, streamId, 'no_stream', newEvents(1));
        const head = await log.headPosition();
        const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => append(streams, tenantId, streamId, 1, newEvents(2))));
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ code: 'STREAM_VERSION_CONFLICT', extensions: { currentVersion: 3 } });
        expect((await streams.info(tenantId, streamId))?.version).toBe(3);
        expect(await log.headPosition()).toBe(head + 2);
      }
    });
  });
}
