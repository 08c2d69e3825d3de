import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMemoryEventLog } from '../adapters/memory/memory-event-log';
import { createMemorySnapshots } from '../adapters/memory/memory-snapshots';
import { createMemoryStreams } from '../adapters/memory/memory-streams';
import type { Streams } from './ports';
import { gaps, recordData, recordEvents, recordOps } from './record-arbitraries';
import { recordHistory } from './record-history';
import { recordStateAt } from './record-state-at';
import { snapshotAfterAppends } from './snapshot-after-appends';

function world(snapshotEvery: number) {
  const log = createMemoryEventLog();
  const streams = createMemoryStreams(log);
  const snapshots = createMemorySnapshots();
  let eventsRead = 0;
  const counting: Streams = {
    ...streams,
    read: async (...args) => {
      const events = await streams.read(...args);
      eventsRead += events.length;
      return events;
    },
  };
  const deps = { streams: counting, snapshots };
  const intake = snapshotAfterAppends(log, deps, snapshotEvery, (error) => {
    throw error;
  });
  return { log, streams, snapshots, deps, intake, eventsRead: () => eventsRead, resetReads: () => void (eventsRead = 0) };
}

const start = new Date('2026-02-01T08:00:00.000Z');
const at = (offsetMs: number) => new Date(start.getTime() + offsetMs).toISOString();

describe('time travel over a record stream', () => {
  it('rebuilds the record at every version and at points in time, as the records service showed it', async () => {
    const { intake, deps } = world(0);
    const events = recordEvents('acme', 'tasks', 't1', { title: 'draft' }, [{ op: 'update', data: { title: 'final', done: false } }, { op: 'delete' }, { op: 'restore' }, { op: 'update', data: { title: 'final', done: true } }], start, [1000]);
    for (const event of events) await intake.append(event);

    expect(await recordStateAt(deps, 'acme', 'tasks/t1', { version: 1 })).toEqual({
      version: 1,
      at: at(0),
      state: { id: 't1', collection: 'tasks', version: 1, createdAt: at(0), updatedAt: at(0), deletedAt: null, purgedAt: null, data: { title: 'draft' } },
    });
    expect((await recordStateAt(deps, 'acme', 'tasks/t1', { version: 3 })).state).toMatchObject({ version: 3, deletedAt: at(2000), updatedAt: at(2000), data: { title: 'final', done: false } });
    expect((await recordStateAt(deps, 'acme', 'tasks/t1', { version: 4 })).state).toMatchObject({ deletedAt: null, data: { title: 'final', done: false } });
    expect((await recordStateAt(deps, 'acme', 'tasks/t1', 'current')).state).toMatchObject({ version: 5, createdAt: at(0), updatedAt: at(4000), data: { title: 'final', done: true } });

    expect(await recordStateAt(deps, 'acme', 'tasks/t1', { asOf: new Date(at(-1)) })).toEqual({ version: 0, state: null, at: null });
    expect((await recordStateAt(deps, 'acme', 'tasks/t1', { asOf: new Date(at(1999)) })).version).toBe(2);
    expect((await recordStateAt(deps, 'acme', 'tasks/t1', { asOf: new Date(at(2000)) })).version).toBe(3);
    expect((await recordStateAt(deps, 'acme', 'tasks/t1', { asOf: new Date('2030-01-01T00:00:00Z') })).version).toBe(5);
  });

  it('lists each version with the field-level changes it made', async () => {
    const { intake, deps } = world(0);
    const events = recordEvents('acme', 'tasks', 't2', { title: 'a', meta: { x: 1 }, tags: [1] }, [{ op: 'update', data: { title: 'b', meta: { x: 2 }, done: null } }, { op: 'delete' }], start, [10]);
    for (const event of events) await intake.append(event);

    const page = await recordHistory(deps, 'acme', 'tasks/t2', { fromVersion: 1, limit: 10 });
    expect(page.version).toBe(3);
    expect(page.nextVersion).toBeUndefined();
    expect(page.items.map((item) => [item.version, item.type, item.changes])).toEqual([
      [1, 'record.created', [{ op: 'add', path: '/title', value: 'a' }, { op: 'add', path: '/meta', value: { x: 1 } }, { op: 'add', path: '/tags', value: [1] }]],
      [2, 'record.updated', [{ op: 'replace', path: '/title', value: 'b', previous: 'a' }, { op: 'replace', path: '/meta/x', value: 2, previous: 1 }, { op: 'remove', path: '/tags', previous: [1] }, { op: 'add', path: '/done', value: null }]],
      [3, 'record.deleted', []],
    ]);
    expect(page.items[2]!.deletedAt).toBe(at(20));

    const second = await recordHistory(deps, 'acme', 'tasks/t2', { fromVersion: 2, limit: 1 });
    expect(second.items.map((item) => item.version)).toEqual([2]);
    expect(second.items[0]!.changes).toEqual(page.items[1]!.changes);
    expect(second.nextVersion).toBe(3);
  });

  it('answers clearly for streams that are not records, unknown, deleted, or asked for a version they do not have', async () => {
    const { intake, deps, streams } = world(0);
    for (const event of recordEvents('acme', 'tasks', 't3', {}, [], start, [1])) await intake.append(event);
    const codeOf = (promise: Promise<unknown>) => promise.then(() => 'resolved', (error: { code: string }) => error.code);
    expect(await codeOf(recordStateAt(deps, 'acme', 'order-1', 'current'))).toBe('NOT_A_RECORD_STREAM');
    expect(await codeOf(recordStateAt(deps, 'acme', 'tasks/unknown', 'current'))).toBe('STREAM_NOT_FOUND');
    expect(await codeOf(recordStateAt(deps, 'other', 'tasks/t3', 'current'))).toBe('STREAM_NOT_FOUND');
    expect(await codeOf(recordStateAt(deps, 'acme', 'tasks/t3', { version: 2 }))).toBe('STREAM_VERSION_NOT_FOUND');
    expect(await codeOf(recordHistory(deps, 'acme', 'order-1', { fromVersion: 1, limit: 10 }))).toBe('NOT_A_RECORD_STREAM');
    streams.markDeleted('acme', 'tasks/t3');
    expect(await codeOf(recordStateAt(deps, 'acme', 'tasks/t3', 'current'))).toBe('STREAM_DELETED');
    expect(await codeOf(recordHistory(deps, 'acme', 'tasks/t3', { fromVersion: 1, limit: 10 }))).toBe('STREAM_DELETED');
  });

  it('starts a state read from the newest snapshot at or below the version asked for', async () => {
    const { intake, deps, snapshots, eventsRead, resetReads } = world(10);
    const ops = Array.from({ length: 24 }, (_, index) => ({ op: 'update' as const, data: { n: index } }));
    for (const event of recordEvents('acme', 'tasks', 'long', {}, ops, start, [1])) await intake.append(event);
    expect(snapshots.count()).toBe(2);
    expect(await snapshots.latest('acme', 'tasks/long', 25)).toMatchObject({ version: 20 });

    resetReads();
    expect((await recordStateAt(deps, 'acme', 'tasks/long', { version: 23 })).state?.data).toEqual({ n: 21 });
    expect(eventsRead()).toBe(3);
    resetReads();
    expect((await recordStateAt(deps, 'acme', 'tasks/long', { version: 9 })).state?.data).toEqual({ n: 7 });
    expect(eventsRead()).toBe(9);
  });

  it('gives the same answers with snapshots on and off, for random histories', async () => {
    await fc.assert(
      fc.asyncProperty(recordData, recordOps, gaps, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: -1000, max: 200_000 }), async (initial, ops, gapsMs, every, fromVersion, asOfOffset) => {
        const withSnapshots = world(every);
        const without = world(0);
        const events = recordEvents('acme', 'tasks', 'p1', initial, ops, start, gapsMs);
        for (const event of events) {
          await withSnapshots.intake.append(structuredClone(event));
          await without.intake.append(structuredClone(event));
        }
        if (events.length >= every) expect(withSnapshots.snapshots.count()).toBeGreaterThan(0);
        for (let version = 1; version <= events.length; version += 1) {
          expect(await recordStateAt(withSnapshots.deps, 'acme', 'tasks/p1', { version })).toEqual(await recordStateAt(without.deps, 'acme', 'tasks/p1', { version }));
        }
        const asOf = { asOf: new Date(start.getTime() + asOfOffset) };
        expect(await recordStateAt(withSnapshots.deps, 'acme', 'tasks/p1', asOf)).toEqual(await recordStateAt(without.deps, 'acme', 'tasks/p1', asOf));
        const page = { fromVersion, limit: 5 };
        expect(await recordHistory(withSnapshots.deps, 'acme', 'tasks/p1', page)).toEqual(await recordHistory(without.deps, 'acme', 'tasks/p1', page));
      }),
      { seed: 20261122, numRuns: 60 },
    );
  });
});
