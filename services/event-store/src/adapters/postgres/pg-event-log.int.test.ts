import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@hexbase/contracts';
import { createTestDatabase, eventually, testServers, uniqueName } from '@hexbase/testing';
import { eventLogContract, testEvent } from '../../application/event-log.contract';
import type { AppendOutcome, EventLog } from '../../application/ports';
import type { StoredEvent } from '../../domain/stored-event';
import { createEventStorePool, endPool, migrateEventStore } from '../../test-support';
import { createPgEventLog } from './pg-event-log';

let database: { url: string; drop(): Promise<void> };
let pool: pg.Pool;
let log: EventLog;

beforeAll(async () => {
  database = await createTestDatabase(testServers().databaseUrl, 'pg_event_log');
  await migrateEventStore(database.url);
  pool = createEventStorePool(database.url, 16);
  log = createPgEventLog(pool);
});

afterAll(async () => {
  if (pool) await endPool(pool);
  await database?.drop();
});

eventLogContract('PostgreSQL', async () => log);

function eventOf(tenantId: string, streamId: string, version: number): EventEnvelope {
  return testEvent({ id: randomUUID(), tenantid: tenantId, streamid: streamId, subject: streamId, streamversion: version });
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}

function positionOf(outcome: AppendOutcome): number {
  if (outcome.kind !== 'appended') throw new Error(`expected the event to be appended, got ${JSON.stringify(outcome)}`);
  return outcome.position;
}

/** Appends the next version of a stream other appenders write to, retrying with the version it lost to. */
async function appendToSharedStream(tenantId: string, streamId: string): Promise<number> {
  const event = eventOf(tenantId, streamId, 1);
  for (;;) {
    const outcome = await log.append(event);
    if (outcome.kind === 'appended') return outcome.position;
    if (outcome.kind !== 'taken') throw new Error(`unexpected outcome ${JSON.stringify(outcome)}`);
    event.streamversion = outcome.currentVersion + 1;
  }
}

/** Reads the whole log of a tenant after a position, page by page. */
async function readAll(tenantId: string, after: number): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (;;) {
    const page = await log.readLog({ tenantId, after: events.at(-1)?.position ?? after, limit: 200 });
    events.push(...page);
    if (page.length < 200) return events;
  }
}

/** A reader of the global log, as a projection or an SSE client reads it: `after` the last position it saw. */
function followLog(tenantId: string, after: number) {
  const seen: StoredEvent[] = [];
  let lastSeen = after;
  let polls = 0;
  let stopped = false;
  const reading = (async () => {
    while (!stopped) {
      const page = await log.readLog({ tenantId, after: lastSeen, limit: 100 });
      polls += 1;
      seen.push(...page);
      if (page.length > 0) lastSeen = page.at(-1)!.position;
    }
  })();
  return {
    seen,
    lastSeen: () => lastSeen,
    polls: () => polls,
    stop: async () => {
      stopped = true;
      await reading;
    },
  };
}

describe('PostgreSQL event log under concurrency', () => {
  it('gives concurrent appenders contiguous global positions and keeps every stream in version order', async () => {
    const tenant = uniqueName('concurrent');
    const start = await log.headPosition();
    const appenders = 8;
    const ownEvents = 50;
    const sharedEvents = 10;

    const positions = (
      await Promise.all(
        range(1, appenders).map(async (appender) => {
          const appended: number[] = [];
          for (let version = 1; version <= ownEvents; version += 1) {
            appended.push(positionOf(await log.append(eventOf(tenant, `own/${appender}`, version))));
            if (version % 5 === 0) appended.push(await appendToSharedStream(tenant, 'shared/1'));
          }
          return appended;
        }),
      )
    ).flat();

    const total = appenders * (ownEvents + sharedEvents);
    expect(positions.sort((a, b) => a - b)).toEqual(range(start + 1, start + total));
    expect(await log.headPosition()).toBe(start + total);
    const logged = await readAll(tenant, start);
    expect(logged.map((stored) => stored.position)).toEqual(range(start + 1, start + total));
    expect(new Set(logged.map((stored) => stored.event.id)).size).toBe(total);

    for (const [streamId, versions] of [...range(1, appenders).map((appender) => [`own/${appender}`, ownEvents] as const), ['shared/1', appenders * sharedEvents] as const]) {
      const stream = await log.readStream(tenant, streamId, 1, 1000);
      expect(stream.map((stored) => stored.event.streamversion), streamId).toEqual(range(1, versions));
      const streamPositions = stream.map((stored) => stored.position);
      expect(streamPositions, `${streamId} positions follow its versions`).toEqual([...streamPositions].sort((a, b) => a - b));
    }
  });

  it('appends an event delivered on several connections at once exactly once', async () => {
    const tenant = uniqueName('redelivery');
    const start = await log.headPosition();
    const rounds = 10;
    const deliveries = 6;

    for (let version = 1; version <= rounds; version += 1) {
      const event = eventOf(tenant, 'orders/raced', version);
      const outcomes = await Promise.all(range(1, deliveries).map(() => log.append(structuredClone(event))));
      expect(outcomes.filter((outcome) => outcome.kind === 'appended')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome.kind === 'duplicate')).toHaveLength(deliveries - 1);
    }

    expect(await log.headPosition()).toBe(start + rounds);
    const stream = await log.readStream(tenant, 'orders/raced', 1, 100);
    expect(stream.map((stored) => stored.event.streamversion)).toEqual(range(1, rounds));
  });

  it('never lets a reader of the log skip an event whose transaction commits after later appends', async () => {
    const tenant = uniqueName('follower');
    const start = await log.headPosition();
    const follower = followLog(tenant, start);
    const appendedIds: string[] = [];
    let writing = true;

    const writers = range(1, 4).map(async (writer) => {
      for (let version = 1; writing || version <= 5; version += 1) {
        const event = eventOf(tenant, `steady/${writer}`, version);
        positionOf(await log.append(event));
        appendedIds.push(event.id);
      }
    });

    const heldPositions: number[] = [];
    for (let held = 1; held <= 4; held += 1) {
      const { id, position } = await appendHeldOpen(eventOf(tenant, `late/${held}`, 1), async (position, backendPid) => {
        const pollsWhenTaken = follower.polls();
        // Keep the transaction open until later appends either got past it (and a reader may have
        // read them) or are queued behind it, with the reader polling all the while.
        await eventually(
          async () => {
            if (follower.lastSeen() > position) return true;
            const { rows } = await pool.query<{ waiting: number }>('SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [backendPid]);
            return rows[0]!.waiting > 0 && follower.polls() > pollsWhenTaken + 2 ? true : undefined;
          },
          { timeoutMs: 10_000, what: `later appends to meet the open transaction at position ${position}` },
        );
      });
      heldPositions.push(position);
      appendedIds.push(id);
    }
    writing = false;
    await Promise.all(writers);

    const head = start + appendedIds.length;
    await eventually(() => (follower.lastSeen() >= head ? true : undefined), { what: `the reader to reach position ${head}` });
    await follower.stop();

    expect(follower.seen.map((stored) => stored.position)).toEqual(range(start + 1, head));
    expect(follower.seen.map((stored) => stored.event.id).sort()).toEqual([...appendedIds].sort());
    expect(heldPositions.every((position) => position > start && position <= head)).toBe(true);
  });

  it('returns no event of another tenant from stream and log reads', async () => {
    const [acme, globex, nobody] = [uniqueName('acme'), uniqueName('globex'), uniqueName('nobody')];
    const start = await log.headPosition();
    const acmeEvents = [eventOf(acme, 'orders/1', 1), eventOf(acme, 'orders/1', 2), eventOf(acme, 'orders/2', 1)];
    const globexEvents = [eventOf(globex, 'orders/1', 1), eventOf(globex, 'orders/3', 1)];

    for (const event of [acmeEvents[0]!, globexEvents[0]!, acmeEvents[1]!, globexEvents[1]!, acmeEvents[2]!]) {
      expect((await log.append(event)).kind).toBe('appended');
    }

    const ids = (events: StoredEvent[]) => events.map((stored) => stored.event.id);
    expect(ids(await log.readStream(acme, 'orders/1', 1, 10))).toEqual([acmeEvents[0]!.id, acmeEvents[1]!.id]);
    expect(ids(await log.readStream(globex, 'orders/1', 1, 10))).toEqual([globexEvents[0]!.id]);
    expect(await log.readStream(globex, 'orders/2', 1, 10)).toEqual([]);
    expect(await log.readStream(nobody, 'orders/1', 1, 10)).toEqual([]);

    expect(ids(await log.readLog({ tenantId: acme, after: start, limit: 10 }))).toEqual(acmeEvents.map((event) => event.id));
    expect(ids(await log.readLog({ tenantId: globex, after: start, limit: 10 }))).toEqual(globexEvents.map((event) => event.id));
    expect(ids(await log.readLog({ tenantId: globex, after: start, limit: 10, streamPrefix: 'orders/' }))).toEqual(globexEvents.map((event) => event.id));
    expect(ids(await log.readLog({ tenantId: globex, after: start, limit: 10, types: ['record.created'] }))).toEqual(globexEvents.map((event) => event.id));
    expect(await log.readLog({ tenantId: nobody, after: 0, limit: 10 })).toEqual([]);
  });
});

/**
 * Appends `event` in a transaction of its own that does what createPgEventLog's append does, and
 * runs `hold` between taking the global position and committing: an append whose commit is late.
 */
async function appendHeldOpen(event: EventEnvelope, hold: (position: number, backendPid: number) => Promise<void>): Promise<{ id: string; position: number }> {
  const client = await pool.connect();
  try {
    const { rows: backend } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await client.query('BEGIN');
    await client.query('INSERT INTO streams (tenant_id, stream_id, version) VALUES ($1, $2, 0)', [event.tenantid, event.streamid]);
    await client.query('SELECT version FROM streams WHERE tenant_id = $1 AND stream_id = $2 FOR UPDATE', [event.tenantid, event.streamid]);
    const { rows: head } = await client.query<{ position: string }>('UPDATE log_head SET position = position + 1 WHERE id = 1 RETURNING position');
    const position = Number(head[0]!.position);
    await client.query(
      `INSERT INTO events (position, event_id, tenant_id, stream_id, stream_version, type, time, data, envelope)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [position, event.id, event.tenantid, event.streamid, event.streamversion, event.type, event.time, JSON.stringify(event.data ?? null), JSON.stringify({ ...event, data: undefined })],
    );
    await client.query('UPDATE streams SET version = $3 WHERE tenant_id = $1 AND stream_id = $2', [event.tenantid, event.streamid, event.streamversion]);
    await hold(position, backend[0]!.pid);
    await client.query('COMMIT');
    return { id: event.id, position };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
