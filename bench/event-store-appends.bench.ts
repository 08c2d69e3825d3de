/**
 * Event-store appends and catch-up reads, each next to raw pg writing or reading the same rows in
 * the same run:
 *
 * 1. single-event appends with an exact expected version, 16 concurrent writers (each on its own
 *    stream), through the HTTP API of the real event-store process, next to raw pg inserts of the
 *    same event row and its outbox row in one transaction, into copies of the tables with the same
 *    unique indexes, positions from a sequence;
 * 2. batched appends, 100 events a call, the same way;
 * 3. a catch-up read of the global log (GET /v1/events?after=..., 1000 a page) next to a raw
 *    SELECT of the same rows, paged the same way.
 *
 * The event store is given a broker address nothing listens on, so its outbox relay and its
 * intake stay idle: both sides measure the write path only, and the outbox grows. Two extra rows
 * explain the gap: the same append through the PostgreSQL adapter in this process (no HTTP), and
 * the raw inserts with the global position taken from the log_head row as appends take it.
 *
 *   node --import tsx bench/event-store-appends.bench.ts
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { systemClock, uuidV7Ids } from '@hexbase/ports';
import { appendToStream } from '../services/event-store/src/application/append-to-stream';
import { createPgStreams } from '../services/event-store/src/adapters/postgres/pg-streams';
import { benchServers, formatNumber, freePort, machineNote, migratedDatabase, printResult, printTable, startServiceProcess, type ServiceProcess } from './support/bench-environment';
import { runClosedLoop, type LoadResult } from './support/closed-loop';
import { createHttpClient } from './support/http-client';
import { BENCH_TENANT, productData } from './support/record-events';

const WRITERS = 16;
const BATCH = 100;
const PAGE = 1000;
const READ_LIMIT = 200_000;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 2_000);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 10_000);
const SCHEMA = 'event_store';

/** The rows an append writes for one event: what Hexbase stores, and the baseline inserts. */
function eventRow(streamId: string, version: number, n: number) {
  const envelope = {
    specversion: '1.0',
    id: uuidV7Ids.next(),
    source: '/hexbase/event-store',
    type: 'order.placed',
    subject: streamId,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    dataschema: 'urn:hexbase:schema:order.placed:1',
    data: productData(n),
    tenantid: BENCH_TENANT,
    streamid: streamId,
    streamversion: version,
    correlationid: randomUUID(),
  };
  return envelope;
}

const INSERT_EVENTS = `INSERT INTO raw_events (position, event_id, tenant_id, stream_id, stream_version, type, time, data, envelope, correlation_id)
  SELECT nextval('raw_positions'), * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::timestamptz[], $7::jsonb[], $8::jsonb[], $9::text[])`;
const INSERT_EVENTS_AT_HEAD = `WITH head AS (UPDATE raw_log_head SET position = position + $10::bigint WHERE id = 1 RETURNING position)
  INSERT INTO raw_events (position, event_id, tenant_id, stream_id, stream_version, type, time, data, envelope, correlation_id)
  SELECT head.position - $10::bigint + n, id, tenant, stream, version, type, time, data, envelope, correlation
  FROM head, unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::text[], $6::timestamptz[], $7::jsonb[], $8::jsonb[], $9::text[]) WITH ORDINALITY AS row(id, tenant, stream, version, type, time, data, envelope, correlation, n)`;
const INSERT_OUTBOX = 'INSERT INTO raw_outbox (event_id, stream_id, envelope) SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[])';

function columns(rows: ReturnType<typeof eventRow>[]) {
  return [
    rows.map((row) => row.id),
    rows.map((row) => row.tenantid),
    rows.map((row) => row.streamid),
    rows.map((row) => row.streamversion),
    rows.map((row) => row.type),
    rows.map((row) => row.time),
    rows.map((row) => JSON.stringify(row.data)),
    rows.map((row) => JSON.stringify({ ...row, data: undefined })),
    rows.map((row) => row.correlationid),
  ];
}

/** Each writer appends to its own stream, always with the exact version it expects. */
async function measureHttpAppends(eventStore: ServiceProcess, databaseName: string, label: string, batch: number): Promise<LoadResult> {
  const http = createHttpClient(eventStore.url, WRITERS);
  const versions = new Array<number>(WRITERS).fill(0);
  let n = 0;
  try {
    return await runClosedLoop({ concurrency: WRITERS, warmupMs: WARMUP_MS, durationMs: DURATION_MS, targetPid: eventStore.child.pid!, databaseName }, async (writer) => {
      const events = Array.from({ length: batch }, () => ({ id: uuidV7Ids.next(), type: 'order.placed', data: productData(n++) }));
      const response = await http.send('POST', `/v1/streams/${label}-${writer}/events`, { expectedVersion: versions[writer], events });
      if (response.status !== 201) throw new Error(`append answered ${response.status}: ${response.body}`);
      versions[writer] = (JSON.parse(response.body) as { version: number }).version;
    });
  } finally {
    http.close();
  }
}

async function measureAdapterAppends(databaseUrl: string, databaseName: string): Promise<LoadResult> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: WRITERS, options: `-c search_path=${SCHEMA}` });
  const streams = createPgStreams(pool);
  const versions = new Array<number>(WRITERS).fill(0);
  let n = 0;
  try {
    return await runClosedLoop({ concurrency: WRITERS, warmupMs: WARMUP_MS, durationMs: DURATION_MS, databaseName }, async (writer) => {
      const result = await appendToStream({ streams, ids: uuidV7Ids, clock: systemClock }, { tenantId: BENCH_TENANT, streamId: `adapter-${writer}`, expectedVersion: versions[writer]!, events: [{ id: uuidV7Ids.next(), type: 'order.placed', data: productData(n++) }] });
      versions[writer] = result.version;
    });
  } finally {
    await pool.end();
  }
}

/** Raw inserts of the same rows; with `logHead`, positions come from the log_head row as appends take them. */
async function measureRawAppends(databaseUrl: string, databaseName: string, label: string, batch: number, logHead: boolean): Promise<LoadResult> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: WRITERS, options: `-c search_path=${SCHEMA}` });
  const versions = new Array<number>(WRITERS).fill(0);
  let n = 0;
  try {
    return await runClosedLoop({ concurrency: WRITERS, warmupMs: WARMUP_MS, durationMs: DURATION_MS, databaseName }, async (writer) => {
      const rows = Array.from({ length: batch }, (_, index) => eventRow(`${label}-${writer}`, versions[writer]! + index + 1, n++));
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(INSERT_OUTBOX, [rows.map((row) => row.id), rows.map((row) => row.streamid), rows.map((row) => JSON.stringify(row))]);
        // As appends do: the log_head row is locked by the statement that inserts the events, until the commit.
        await client.query(logHead ? INSERT_EVENTS_AT_HEAD : INSERT_EVENTS, [...columns(rows), ...(logHead ? [batch] : [])]);
        await client.query('COMMIT');
        versions[writer] = versions[writer]! + batch;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    });
  } finally {
    await pool.end();
  }
}

interface ReadResult {
  events: number;
  seconds: number;
  perSecond: number;
}

async function measureHttpCatchUp(eventStore: ServiceProcess): Promise<ReadResult> {
  const http = createHttpClient(eventStore.url, 1);
  try {
    return await timedScan(async (after) => {
      const response = await http.send('GET', `/v1/events?after=${after}&limit=${PAGE}`);
      if (response.status !== 200) throw new Error(`GET /v1/events answered ${response.status}: ${response.body}`);
      const page = JSON.parse(response.body) as { items: Array<{ position: number }> };
      return page.items.map((item) => item.position);
    });
  } finally {
    http.close();
  }
}

async function measureRawCatchUp(databaseUrl: string): Promise<ReadResult> {
  const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${SCHEMA}` });
  await client.connect();
  try {
    return await timedScan(async (after) => {
      const { rows } = await client.query<{ position: string; envelope: unknown }>(
        `SELECT position, envelope || jsonb_build_object('data', data) AS envelope FROM events WHERE tenant_id = $1 AND position > $2 ORDER BY position LIMIT $3`,
        [BENCH_TENANT, after, PAGE],
      );
      return rows.map((row) => Number(row.position));
    });
  } finally {
    await client.end();
  }
}

/** Reads the log from the start, page after page, up to READ_LIMIT events: once unmeasured to warm the caches, then measured. */
async function timedScan(readPage: (after: number) => Promise<number[]>): Promise<ReadResult> {
  const scan = async () => {
    let after = 0;
    let events = 0;
    while (events < READ_LIMIT) {
      const positions = await readPage(after);
      if (positions.length === 0) break;
      events += positions.length;
      after = positions.at(-1)!;
    }
    return events;
  };
  await scan();
  const started = performance.now();
  const events = await scan();
  const seconds = (performance.now() - started) / 1000;
  return { events, seconds, perSecond: events / seconds };
}

async function prepare(databaseUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, options: `-c search_path=${SCHEMA}` });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Copies of the event store's tables with the same indexes, for the baseline; statistics fresh and no dirty pages left over. */
const BASELINE_TABLES = `
  CREATE TABLE raw_events (LIKE events INCLUDING ALL);
  CREATE TABLE raw_outbox (LIKE outbox INCLUDING ALL);
  CREATE SEQUENCE raw_positions;
  -- Positions far above the sequence's, so the two baselines never collide.
  CREATE TABLE raw_log_head (LIKE log_head INCLUDING ALL);
  INSERT INTO raw_log_head VALUES (1, 1000000000000);`;
const SETTLE = 'ANALYZE; CHECKPOINT;';

function describe(result: LoadResult, eventsPerCall: number): string[] {
  const cpu = result.cpu;
  return [
    formatNumber(result.perSecond * eventsPerCall),
    formatNumber(result.perSecond),
    formatNumber(result.p50Ms, 2),
    formatNumber(result.p99Ms, 2),
    String(result.failed),
    cpu.target === undefined ? '-' : formatNumber(cpu.target, 2),
    cpu.database === undefined ? '-' : formatNumber(cpu.database, 2),
    formatNumber(cpu.loadGenerator, 2),
    formatNumber(cpu.machine, 2),
  ];
}

async function main(): Promise<void> {
  const servers = await benchServers();
  console.log(`event-store appends: ${WRITERS} concurrent writers, each on its own stream with an exact expected version; ${WARMUP_MS / 1000} s warm-up + ${DURATION_MS / 1000} s measured per side.`);
  console.log('The broker is unreachable on purpose: the relay and the intake stay idle, so this measures the append path only; the outbox grows.');
  console.log(machineNote());
  const database = await migratedDatabase(servers.databaseUrl, 'bench_appends');
  const databaseName = decodeURIComponent(new URL(database.url).pathname.slice(1));
  let eventStore: ServiceProcess | undefined;
  try {
    await prepare(database.url, BASELINE_TABLES);
    const port = await freePort();
    eventStore = await startServiceProcess({
      entry: 'services/event-store/src/main.ts',
      port,
      readyPath: '/health/live',
      env: { DATABASE_URL: database.url, RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${await freePort()}`, EVENT_STORE_PORT: String(port), LOG_LEVEL: 'error' },
    });

    const results: Record<string, LoadResult> = {};
    const run = async (name: string, measure: () => Promise<LoadResult>) => {
      await prepare(database.url, SETTLE);
      results[name] = await measure();
      if (results[name]!.failed > 0) throw new Error(`${name}: ${results[name]!.failed} appends failed, first: ${(results[name]!.firstError as Error)?.message}`);
    };
    await run('single', () => measureHttpAppends(eventStore!, databaseName, 'single', 1));
    await run('singleRaw', () => measureRawAppends(database.url, databaseName, 'raw-single', 1, false));
    await run('singleAdapter', () => measureAdapterAppends(database.url, databaseName));
    await run('singleRawLogHead', () => measureRawAppends(database.url, databaseName, 'raw-head', 1, true));
    await run('batch', () => measureHttpAppends(eventStore!, databaseName, 'batch', BATCH));
    await run('batchRaw', () => measureRawAppends(database.url, databaseName, 'raw-batch', BATCH, false));
    await prepare(database.url, SETTLE);
    const read = await measureHttpCatchUp(eventStore);
    const readRaw = await measureRawCatchUp(database.url);

    console.log('');
    printTable([
      ['side', 'events/s', 'calls/s', 'p50 ms', 'p99 ms', 'errors', 'service cpu', 'postgres cpu', 'bench cpu', 'machine cpu'],
      ['hexbase: POST /v1/streams/{id}/events, 1 event, exact expectedVersion (event-store process)', ...describe(results.single!, 1)],
      ['baseline: pg Pool(16) BEGIN; INSERT event; INSERT outbox; COMMIT (position from a sequence)', ...describe(results.singleRaw!, 1)],
      ['  explain: the same append through createPgStreams in this process (no HTTP)', ...describe(results.singleAdapter!, 1)],
      ['  explain: the baseline taking its position from a log_head row, as appends do', ...describe(results.singleRawLogHead!, 1)],
      [`hexbase: POST /v1/streams/{id}/events, ${BATCH} events a call`, ...describe(results.batch!, BATCH)],
      [`baseline: pg Pool(16) BEGIN; INSERT ${BATCH} events; INSERT ${BATCH} outbox rows; COMMIT`, ...describe(results.batchRaw!, BATCH)],
    ]);
    console.log(`(cpu: cores busy on average over the measured window; service = the event-store process; postgres = the backends of this run's database; machine = every process, out of ${availableParallelism()})`);
    console.log('');
    printTable([
      ['catch-up read of the global log', 'events/s', 'events', 'seconds'],
      [`hexbase: GET /v1/events?after=...&limit=${PAGE}, one reader`, formatNumber(read.perSecond), formatNumber(read.events), formatNumber(read.seconds, 2)],
      [`baseline: pg SELECT the same rows, ${PAGE} a page by position`, formatNumber(readRaw.perSecond), formatNumber(readRaw.events), formatNumber(readRaw.seconds, 2)],
    ]);
    const ratio = (a: number, b: number) => (a / b).toFixed(3);
    console.log('');
    console.log(`ratio single: ${ratio(results.single!.perSecond, results.singleRaw!.perSecond)} (aim 0.6); adapter without HTTP: ${ratio(results.singleAdapter!.perSecond, results.singleRaw!.perSecond)}; raw with log_head / raw: ${ratio(results.singleRawLogHead!.perSecond, results.singleRaw!.perSecond)}`);
    console.log(`ratio batched: ${ratio(results.batch!.perSecond, results.batchRaw!.perSecond)} (aim 0.8)`);
    console.log(`ratio catch-up read: ${ratio(read.perSecond, readRaw.perSecond)}`);
    console.log('');
    printResult('event-store.append.single', 'events/s', results.single!.perSecond, results.singleRaw!.perSecond);
    printResult('event-store.append.batch100', 'events/s', results.batch!.perSecond * BATCH, results.batchRaw!.perSecond * BATCH);
    printResult('event-store.log.catch-up', 'events/s', read.perSecond, readRaw.perSecond);
  } finally {
    await eventStore?.stop();
    await database.drop();
  }
}

await main();
