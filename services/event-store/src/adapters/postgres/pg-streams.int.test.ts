import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, testServers } from '@hexbase/testing';
import { append, newEvents, streamsContract } from '../../application/streams.contract';
import type { EventLog, Streams } from '../../application/ports';
import { takeInEvent } from '../../application/take-in-event';
import { createEventStorePool, endPool, migrateEventStore } from '../../test-support';
import { createPgEventLog } from './pg-event-log';
import { createPgStreams } from './pg-streams';

let database: { url: string; drop(): Promise<void> };
let pool: pg.Pool;
let log: EventLog;
let streams: Streams;

beforeAll(async () => {
  database = await createTestDatabase(testServers().databaseUrl, 'pg_streams');
  await migrateEventStore(database.url);
  pool = createEventStorePool(database.url, 16);
  log = createPgEventLog(pool);
  streams = createPgStreams(pool);
});

afterAll(async () => {
  if (pool) await endPool(pool);
  await database?.drop();
});

streamsContract('PostgreSQL', async () => ({
  streams,
  log,
  markDeleted: async (tenantId, streamId) => void (await pool.query('UPDATE streams SET deleted_at = now() WHERE tenant_id = $1 AND stream_id = $2', [tenantId, streamId])),
  outboxIds: async () => (await pool.query<{ event_id: string }>('SELECT event_id FROM outbox ORDER BY position')).rows.map((row) => row.event_id),
}));

describe('PostgreSQL streams beside the intake', () => {
  it('stores an appended event once when the intake receives it back from the bus', async () => {
    const result = await append(streams, 'echo', 'order-echo', 'no_stream', newEvents(2));
    const head = await log.headPosition();
    const [stored] = await streams.read('echo', 'order-echo', { fromVersion: 1, direction: 'forward', limit: 1 });
    const { rows } = await pool.query<{ envelope: { id: string } }>('SELECT envelope FROM outbox WHERE event_id = $1', [result.events[0]!.id]);
    expect(rows[0]!.envelope).toEqual(stored!.event);

    await takeInEvent(log, rows[0]!.envelope as never);
    expect(await log.append(stored!.event)).toEqual({ kind: 'duplicate' });
    expect(await log.headPosition()).toBe(head);
  });

  it('keeps positions contiguous and every stream in version order with appends and intake racing', async () => {
    const start = await log.headPosition();
    await Promise.all([
      ...Array.from({ length: 6 }, async (_, writer) => {
        for (let round = 0; round < 10; round += 1) await append(streams, 'race', `order-${writer}`, 'any', newEvents(1 + (round % 3)));
      }),
      (async () => {
        for (let version = 1; version <= 30; version += 1) {
          await log.append({ specversion: '1.0', id: crypto.randomUUID(), source: '/hexbase/records', type: 'record.updated', subject: 'tasks/r1', time: new Date().toISOString(), datacontenttype: 'application/json', dataschema: 'urn:hexbase:schema:record.updated:1', data: {}, tenantid: 'race', streamid: 'tasks/r1', streamversion: version });
        }
      })(),
    ]);
    const all = await log.readLog({ tenantId: 'race', after: start, limit: 1000 });
    expect(all.map((entry) => entry.position)).toEqual(all.map((_, index) => start + index + 1));
    for (let writer = 0; writer < 6; writer += 1) {
      const versions = all.filter((entry) => entry.event.streamid === `order-${writer}`).map((entry) => entry.event.streamversion);
      expect(versions).toEqual(versions.map((_, index) => index + 1));
      expect((await streams.info('race', `order-${writer}`))?.version).toBe(versions.length);
    }
  });
});
