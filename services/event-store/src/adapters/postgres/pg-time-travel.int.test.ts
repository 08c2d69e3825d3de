import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testServers } from '@hexbase/testing';
import type { EventLog, Snapshots, Streams } from '../../application/ports';
import { gaps, recordData, recordEvents, recordOps } from '../../application/record-arbitraries';
import { recordHistory } from '../../application/record-history';
import { recordStateAt } from '../../application/record-state-at';
import { snapshotAfterAppends } from '../../application/snapshot-after-appends';
import { createEventStorePool, endPool, migrateEventStore } from '../../test-support';
import { createPgEventLog } from './pg-event-log';
import { createPgSnapshots } from './pg-snapshots';
import { createPgStreams } from './pg-streams';

let database: { url: string; drop(): Promise<void> };
let pool: pg.Pool;
let log: EventLog;
let streams: Streams;
let snapshots: Snapshots;

beforeAll(async () => {
  database = await createTestDatabase(testServers().databaseUrl, 'pg_time_travel');
  await migrateEventStore(database.url);
  pool = createEventStorePool(database.url, 8);
  log = createPgEventLog(pool);
  streams = createPgStreams(pool);
  snapshots = createPgSnapshots(pool);
});

afterAll(async () => {
  if (pool) await endPool(pool);
  await database?.drop();
});

const start = new Date('2026-02-01T08:00:00.000Z');
const fail = (error: unknown) => {
  throw error;
};

describe('time travel in PostgreSQL', () => {
  it('keeps the first snapshot of a version and finds the newest one at or below a version', async () => {
    const state = { id: 's1', collection: 'tasks', version: 10, createdAt: start.toISOString(), updatedAt: start.toISOString(), deletedAt: null, purgedAt: null, data: { n: 10 } };
    await snapshots.save('acme', 'tasks/s1', state);
    await snapshots.save('acme', 'tasks/s1', { ...state, data: { n: -1 } });
    await snapshots.save('acme', 'tasks/s1', { ...state, version: 20, data: { n: 20 } });
    expect(await snapshots.latest('acme', 'tasks/s1', 9)).toBeUndefined();
    expect(await snapshots.latest('acme', 'tasks/s1', 19)).toEqual(state);
    expect((await snapshots.latest('acme', 'tasks/s1', 25))?.version).toBe(20);
    expect(await snapshots.latest('other', 'tasks/s1', 25)).toBeUndefined();
  });

  it('gives the same answers with snapshots on and off, for random histories', async () => {
    await fc.assert(
      fc.asyncProperty(recordData, recordOps, gaps, fc.integer({ min: 1, max: 5 }), fc.integer({ min: -1000, max: 200_000 }), async (initial, ops, gapsMs, every, asOfOffset) => {
        const id = randomUUID();
        const withSnapshots = snapshotAfterAppends(log, { streams, snapshots }, every, fail);
        for (const event of recordEvents('on', 'tasks', id, initial, ops, start, gapsMs)) expect((await withSnapshots.append(event)).kind).toBe('appended');
        const events = recordEvents('off', 'tasks', id, initial, ops, start, gapsMs);
        for (const event of events) expect((await log.append(event)).kind).toBe('appended');

        const { rows } = await pool.query<{ count: number }>('SELECT count(*)::int AS count FROM snapshots WHERE tenant_id = $1 AND stream_id = $2', ['on', `tasks/${id}`]);
        expect(rows[0]!.count).toBe(Math.floor(events.length / every));
        const deps = { streams, snapshots };
        const answer = async (tenantId: string, point: Parameters<typeof recordStateAt>[3]) => recordStateAt(deps, tenantId, `tasks/${id}`, point);
        for (let version = 1; version <= events.length; version += 1) expect(await answer('on', { version })).toEqual(await answer('off', { version }));
        const asOf = { asOf: new Date(start.getTime() + asOfOffset) };
        expect(await answer('on', asOf)).toEqual(await answer('off', asOf));
        const history = async (tenantId: string) => (await recordHistory(deps, tenantId, `tasks/${id}`, { fromVersion: 1, limit: 100 })).items.map(({ position: _position, eventId: _eventId, ...item }) => item);
        expect(await history('on')).toEqual(await history('off'));
      }),
      { seed: 20261122, numRuns: 15 },
    );
  });
});
