import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@hexbase/contracts';
import { createAmqpConnection, createAmqpPublisher, startEventConsumer, type AmqpConnection, type AmqpPublisher, type EventConsumer } from '@hexbase/messaging';
import { createLogger } from '@hexbase/observability';
import { createTestDatabase, eventually, testServers, uniqueName } from '@hexbase/testing';
import { testEvent } from '../../application/event-log.contract';
import type { ReplayTarget } from '../../application/ports';
import { replaysContract } from '../../application/replays.contract';
import { startIntake } from '../../intake';
import { callEventStore, startEventStore, type RunningEventStore } from '../../operations-test-support';
import { migrateEventStore } from '../../test-support';
import { createPgReplays } from '../postgres/pg-replays';

let database: { url: string; drop(): Promise<void> };
let store: RunningEventStore;
let connection: AmqpConnection;
let publisher: AmqpPublisher;
let intake: EventConsumer;
const consumers: EventConsumer[] = [];
const exchange = uniqueName('replay.events');
const intakeQueue = uniqueName('replay.event-store');
const queues: string[] = [intakeQueue];

beforeAll(async () => {
  database = await createTestDatabase(testServers().databaseUrl, 'replay');
  await migrateEventStore(database.url);
  connection = createAmqpConnection({ url: testServers().rabbitmqUrl, name: 'replay-test' });
  await connection.waitUntilConnected(10_000);
  store = await startEventStore({ databaseUrl: database.url, connection, replayBatchSize: 7 });
  intake = await startIntake(connection, store.log, { exchange, intake: { queue: intakeQueue, prefetch: 1, retryDelaysMs: [100], deliveryLimit: 10 } }, createLogger({ service: 'event-store', level: 'silent' }));
  publisher = createAmqpPublisher(connection, { exchange });
});

afterAll(async () => {
  for (const consumer of [...consumers, intake]) await consumer?.stop();
  await publisher?.close();
  await store?.close();
  const channel = await connection?.createChannel().catch(() => undefined);
  if (channel) {
    for (const queue of queues) for (const name of [queue, `${queue}.retry.1`, `${queue}.dlq`]) await channel.deleteQueue(name).catch(() => undefined);
    await channel.deleteExchange(exchange).catch(() => undefined);
    await channel.close().catch(() => undefined);
  }
  await connection?.close();
  await database?.drop();
});

replaysContract('PostgreSQL', async () => {
  const replays = createPgReplays(store.pool);
  return { replays, age: async (id, ms) => void (await store.pool.query(`UPDATE replays SET updated_at = updated_at - make_interval(secs => $2::double precision / 1000) WHERE id = $1`, [id, ms])) };
});

const tenantName = (label: string) => uniqueName(label).replace(/_/g, '-');

/** A tiny projection, per stream: how many events and the last version. Applies each event id once. */
function projection() {
  const seen = new Set<string>();
  const streams = new Map<string, { count: number; lastVersion: number }>();
  return {
    seen,
    streams,
    apply(event: EventEnvelope) {
      if (seen.has(event.id)) return;
      seen.add(event.id);
      const current = streams.get(`${event.tenantid}:${event.streamid}`) ?? { count: 0, lastVersion: 0 };
      if (event.streamversion !== current.lastVersion + 1) throw new Error(`out of order: ${event.streamid} v${event.streamversion} after v${current.lastVersion}`);
      streams.set(`${event.tenantid}:${event.streamid}`, { count: current.count + 1, lastVersion: event.streamversion });
    },
  };
}

/** A consumer queue with that projection; `bindings: []` makes a queue that only a replay fills. */
async function projectingConsumer(bindings: string[]) {
  const queue = uniqueName('replay.projection');
  queues.push(queue);
  const projected = projection();
  consumers.push(await startEventConsumer(connection, { exchange, queue, bindings, prefetch: 1, retryDelaysMs: [100], deliveryLimit: 10, handler: async (event) => projected.apply(event) }));
  return { queue, projected };
}

async function publishHistories(tenantId: string, streams: number, versions: number): Promise<EventEnvelope[]> {
  const events: EventEnvelope[] = [];
  for (let version = 1; version <= versions; version += 1) {
    for (let stream = 1; stream <= streams; stream += 1) {
      if ((stream + version) % 3 === 0 && version > 2) continue;
      const streamId = `orders/${stream}`;
      const previous = events.filter((event) => event.streamid === streamId).length;
      events.push(testEvent({ id: randomUUID(), tenantid: tenantId, streamid: streamId, subject: streamId, streamversion: previous + 1, type: previous === 0 ? 'record.created' : 'record.updated', data: { data: { total: stream * version } } }));
    }
  }
  await publisher.publish(events);
  return events;
}

describe('replaying the log to one consumer', () => {
  it('rebuilds in a fresh queue the same projection that live consumption built, and only the tenant’s events', async () => {
    const tenant = tenantName('replayed');
    const live = await projectingConsumer(['#']);
    const events = await publishHistories(tenant, 6, 8);
    await publishHistories(tenantName('neighbour'), 2, 3);
    await eventually(async () => ((await store.log.readLog({ tenantId: tenant, after: 0, limit: 1000 })).length === events.length ? true : undefined), { timeoutMs: 20_000, what: 'the event store to hold every event' });
    await eventually(() => (events.every((event) => live.projected.seen.has(event.id)) ? true : undefined), { timeoutMs: 20_000, what: 'the live projection' });

    const rebuilt = await projectingConsumer([]);
    const started = await callEventStore(store.url, 'POST', '/v1/admin/replays', { tenant, body: { consumer: rebuilt.queue, fromPosition: 1 } });
    expect(started.status).toBe(202);
    expect(started.headers.get('location')).toBe(`/v1/admin/replays/${started.body.id}`);
    expect(started.body).toMatchObject({ consumer: rebuilt.queue, fromPosition: 1, total: events.length, status: 'running' });
    const finished = await eventually(async () => {
      const replay = await callEventStore(store.url, 'GET', `/v1/admin/replays/${started.body.id}`, { tenant });
      return replay.body.status === 'completed' ? replay.body : undefined;
    }, { timeoutMs: 20_000, what: 'the replay to complete' });
    expect(finished).toMatchObject({ published: events.length, total: events.length });
    await eventually(() => (rebuilt.projected.seen.size === events.length ? true : undefined), { timeoutMs: 20_000, what: 'the rebuilt projection' });

    const liveOfTenant = new Map([...live.projected.streams].filter(([key]) => key.startsWith(`${tenant}:`)));
    expect(rebuilt.projected.streams).toEqual(liveOfTenant);
    expect(liveOfTenant.size).toBe(6);
    expect((await callEventStore(store.url, 'GET', `/v1/admin/replays/${started.body.id}`, { tenant: tenantName('stranger') })).status).toBe(404);
  });

  it('shows its progress while it runs, batch by batch', async () => {
    const tenant = tenantName('progress');
    await publishHistories(tenant, 4, 5);
    await eventually(async () => ((await store.log.readLog({ tenantId: tenant, after: 0, limit: 1000 })).length === 16 ? true : undefined), { timeoutMs: 20_000 });
    let batchesLetThrough = 1;
    const gated = await startEventStore({
      databaseUrl: database.url,
      connection,
      replayBatchSize: 2,
      replayTarget: (real): ReplayTarget => ({
        queueExists: (queue) => real.queueExists(queue),
        publish: async (queue, batch, replayId) => {
          await eventually(() => (batchesLetThrough > 0 ? true : undefined), { timeoutMs: 20_000, intervalMs: 5 });
          batchesLetThrough -= 1;
          await real.publish(queue, batch, replayId);
        },
      }),
    });
    try {
      const target = await projectingConsumer([]);
      const started = await callEventStore(gated.url, 'POST', '/v1/admin/replays', { tenant, body: { consumer: target.queue, fromPosition: 1 } });
      const midway = await eventually(async () => {
        const replay = await callEventStore(gated.url, 'GET', `/v1/admin/replays/${started.body.id}`, { tenant });
        return replay.body.published === 2 ? replay.body : undefined;
      });
      expect(midway).toMatchObject({ status: 'running', published: 2, total: 16 });
      batchesLetThrough = Number.POSITIVE_INFINITY;
      await eventually(async () => ((await callEventStore(gated.url, 'GET', `/v1/admin/replays/${started.body.id}`, { tenant })).body.status === 'completed' ? true : undefined));
    } finally {
      await gated.close();
    }
  });

  it('answers unknown queues, bad ranges and bad filters with a problem document naming the field', async () => {
    const tenant = tenantName('bad-replay');
    const known = await projectingConsumer([]);
    const head = await store.log.headPosition();
    const cases: Array<[unknown, number, string]> = [
      [{ consumer: uniqueName('no.such.queue'), fromPosition: 1 }, 404, '/body/consumer'],
      [{ fromPosition: 1 }, 400, '/body/consumer'],
      [{ consumer: 'has spaces', fromPosition: 1 }, 400, '/body/consumer'],
      [{ consumer: known.queue, fromPosition: 0 }, 400, '/body/fromPosition'],
      [{ consumer: known.queue, fromPosition: 'one' }, 400, '/body/fromPosition'],
      [{ consumer: known.queue, fromPosition: 1, toPosition: head + 50 }, 409, '/body/toPosition'],
      [{ consumer: known.queue, fromPosition: 5, toPosition: 4 }, 400, '/body/fromPosition'],
      [{ consumer: known.queue, fromPosition: 1, filter: 'data.total = ' }, 400, '/body/filter'],
      [{ consumer: known.queue, fromPosition: 1, types: ['Not A Type'] }, 400, '/body/types/0'],
    ];
    for (const [body, status, field] of cases) {
      const answer = await callEventStore(store.url, 'POST', '/v1/admin/replays', { tenant, body });
      expect(answer.status, JSON.stringify(body)).toBe(status);
      expect(answer.body.errors.map((error: { field: string }) => error.field), JSON.stringify(body)).toContain(field);
    }
    expect((await callEventStore(store.url, 'GET', '/v1/admin/replays/not-a-uuid', { tenant })).body.errors[0].field).toBe('/params/id');
    expect((await callEventStore(store.url, 'GET', `/v1/admin/replays/${randomUUID()}`, { tenant })).body.code).toBe('REPLAY_NOT_FOUND');
  });
});
