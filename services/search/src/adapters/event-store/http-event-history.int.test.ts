import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectToEventBus, createAmqpPublisher, type AmqpConnection, type AmqpPublisher } from '@hexbase/messaging';
import { createTestDatabase, eventually, freePort, startServiceProcess, testServers, uniqueName, type ServiceProcess } from '@hexbase/testing';
import { eventHistoryContract } from '../../application/event-history.contract';
import { createHttpEventHistory } from './http-event-history';

const REPO_ROOT = fileURLToPath(new URL('../../../../..', import.meta.url));
const run = promisify(execFile);

let database: { url: string; drop(): Promise<void> };
let eventStore: ServiceProcess;
let connection: AmqpConnection;
let publisher: AmqpPublisher;
const exchange = uniqueName('search.history');
const queue = uniqueName('event-store');

beforeAll(async () => {
  const servers = testServers();
  database = await createTestDatabase(servers.databaseUrl, 'http_event_history');
  await run(process.execPath, ['--import', 'tsx', 'scripts/db.ts', 'migrate'], { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: database.url } });
  const port = await freePort();
  eventStore = await startServiceProcess({
    entry: 'services/event-store/src/main.ts',
    port,
    env: { DATABASE_URL: database.url, RABBITMQ_URL: servers.rabbitmqUrl, HEXBASE_EXCHANGE: exchange, EVENT_STORE_QUEUE: queue, EVENT_STORE_PORT: String(port) },
  });
  connection = await connectToEventBus({ url: servers.rabbitmqUrl, name: 'search-history-test', exchange });
  await connection.waitUntilConnected(10_000);
  publisher = createAmqpPublisher(connection, { exchange });
});

afterAll(async () => {
  await publisher?.close();
  if (connection) {
    const channel = await connection.createChannel();
    for (const name of [queue, `${queue}.dlq`, ...[1, 2, 3].map((retry) => `${queue}.retry.${retry}`)]) await channel.deleteQueue(name).catch(() => undefined);
    await channel.deleteExchange(exchange).catch(() => undefined);
    await connection.close();
  }
  await eventStore?.stop();
  await database?.drop();
});

eventHistoryContract('the event store over HTTP', async () => {
  const history = createHttpEventHistory({ baseUrl: eventStore.url });
  return {
    history,
    async append(...events) {
      // One at a time: the event store appends a stream's versions in order only.
      for (const event of events) {
        await publisher.publish([event]);
        await eventually(async () => {
          const response = await fetch(`${eventStore.url}/v1/streams/${encodeURIComponent(event.streamid)}/events?fromVersion=${event.streamversion}&limit=1`, { headers: { 'x-hexbase-tenant': event.tenantid } });
          const body = (await response.json()) as { items?: Array<{ event: { id: string } }> };
          return body.items?.[0]?.event.id === event.id ? true : undefined;
        }, { what: `event ${event.id} in the event store` });
      }
    },
  };
});

describe('the event store over HTTP, when it is down', () => {
  it('fails with EVENT_STORE_UNAVAILABLE, which the breaker and the rebuild retry treat as temporary', async () => {
    const history = createHttpEventHistory({ baseUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 1_000 });
    await expect(history.readCollectionEvents('t', 'c', 0, 10)).rejects.toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE', kind: 'unavailable' });
  });
});
