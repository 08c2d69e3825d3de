import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createTestDatabase, freePort, startServiceProcess, uniqueName, type ServiceProcess } from '@hexbase/testing';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The event pipeline of one test file: its own database, exchange and queue, and the real processes. */
export interface Pipeline {
  databaseUrl: string;
  exchange: string;
  eventStoreQueue: string;
  env: Record<string, string>;
  records: ServiceProcess;
  relay: ServiceProcess;
  eventStore: ServiceProcess;
  /** The search service, when started with `{ search: true }`; its queue is `searchQueue`. */
  search?: ServiceProcess;
  searchQueue: string;
  startRelay(): Promise<ServiceProcess>;
  sql: pg.Pool;
  close(): Promise<void>;
}

export interface PipelineOptions {
  /** Also start the search service (off by default: most pipeline tests do not need it). */
  search?: boolean;
}

export async function startPipeline(
  servers: { databaseUrl: string; rabbitmqUrl: string; redisUrl: string },
  label: string,
  extraEnv: Record<string, string> = {},
  options: PipelineOptions = {},
): Promise<Pipeline> {
  const database = await createTestDatabase(servers.databaseUrl, label);
  const exchange = uniqueName('hexbase.events');
  const eventStoreQueue = uniqueName('event-store');
  const searchQueue = uniqueName('search');
  const [recordsPort, relayPort, eventStorePort, searchPort] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    RABBITMQ_URL: servers.rabbitmqUrl,
    REDIS_URL: servers.redisUrl,
    HEXBASE_EXCHANGE: exchange,
    EVENT_STORE_QUEUE: eventStoreQueue,
    EVENT_STORE_RETRY_DELAYS_MS: '200,400',
    RECORDS_PORT: String(recordsPort),
    RECORDS_RELAY_PORT: String(relayPort),
    EVENT_STORE_PORT: String(eventStorePort),
    RECORDS_RELAY_POLL_INTERVAL_MS: '200',
    SEARCH_PORT: String(searchPort),
    SEARCH_QUEUE: searchQueue,
    SEARCH_RETRY_DELAYS_MS: '200,400',
    SEARCH_REBUILD_POLL_INTERVAL_MS: '100',
    // Records asks the event store for earlier versions of records (asOf, history, revert).
    EVENT_STORE_URL: `http://127.0.0.1:${eventStorePort}`,
    ...extraEnv,
  };
  await run(process.execPath, ['--import', 'tsx', 'scripts/db.ts', 'migrate'], { cwd: REPO_ROOT, env: { ...process.env, ...env } });

  // The event store first: its queue must exist before the relay publishes, or events are returned unroutable (and retried).
  const eventStore = await startServiceProcess({ entry: 'services/event-store/src/main.ts', port: eventStorePort, env });
  // Search declares its queue before anything is published too, or it would never see those events.
  const search = options.search ? await startServiceProcess({ entry: 'services/search/src/main.ts', port: searchPort, env }) : undefined;
  const records = await startServiceProcess({ entry: 'services/records/src/main.ts', port: recordsPort, env });
  const startRelay = () => startServiceProcess({ entry: 'services/records/src/relay-main.ts', port: relayPort, env });
  const sql = new pg.Pool({ connectionString: database.url, max: 3 });
  const pipeline: Pipeline = {
    databaseUrl: database.url,
    exchange,
    eventStoreQueue,
    searchQueue,
    env,
    records,
    relay: await startRelay(),
    eventStore,
    ...(search ? { search } : {}),
    startRelay: async () => (pipeline.relay = await startRelay()),
    sql,
    close: async () => {
      await Promise.all([pipeline.relay.stop(), records.stop(), eventStore.stop(), ...(search ? [search.stop()] : [])]);
      await sql.end();
      await database.drop();
    },
  };
  return pipeline;
}

/** JSON over HTTP to a service process. */
export async function call(service: ServiceProcess, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as any) : undefined };
}

export interface LoggedEvent {
  position: number;
  event: { id: string; type: string; streamid: string; streamversion: number; data: any };
}

/** Every event of the default tenant in the event store's global log, in position order. */
export async function globalLog(eventStore: ServiceProcess): Promise<LoggedEvent[]> {
  const events: LoggedEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await call(eventStore, 'GET', `/v1/events?after=${after}&limit=1000`);
    events.push(...page.body.items);
    if (page.body.items.length < 1000) return events;
    after = page.body.lastPosition;
  }
}
