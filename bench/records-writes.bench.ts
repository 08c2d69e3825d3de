/**
 * Records created per second through the records HTTP API, next to raw pg inserts of the same
 * record and outbox rows in one transaction, at the same concurrency and for the same time.
 * The relay does not run: both sides measure the write path only, and the outbox just grows.
 *
 *   node --import tsx bench/records-writes.bench.ts
 */
import { availableParallelism } from 'node:os';
import pg from 'pg';
import { benchServers, formatNumber, freePort, machineNote, migratedDatabase, printResult, printTable, startServiceProcess, uniqueName, type ServiceProcess } from './support/bench-environment';
import { combineWindows, runClosedLoop, type LoadResult } from './support/closed-loop';
import { otherProcesses } from './support/cpu-usage';
import { createHttpClient } from './support/http-client';
import { BENCH_TENANT, createdRecord, PRODUCT_SCHEMA, productData } from './support/record-events';

const CONCURRENCY = 32;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 2_000);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 10_000);
/** The measured time of each side is split into rounds that alternate with the other side's, so a burst of load from elsewhere hits both. */
const ROUNDS = 5;
const ROUND_WARMUP_MS = 500;
/** Writes through the API before the tables are analyzed. */
const PRIMING_MS = 1_000;
const HEXBASE_COLLECTION = 'bench';
const BASELINE_COLLECTION = 'bench_raw';

const INSERT_RECORD = `INSERT INTO records.records (tenant_id, collection, id, data, version, created_at, updated_at, deleted_at, purged_at)
  VALUES ($1, $2, $3, $4, 1, $5, $5, NULL, NULL)`;
const INSERT_OUTBOX = 'INSERT INTO records.outbox (event_id, stream_id, envelope) VALUES ($1, $2, $3)';

interface Side {
  label: string;
  write: () => Promise<void>;
  targetPid?: number;
  windows: LoadResult[];
}

/** POST /v1/collections/bench/records against the records process. */
function hexbaseSide(records: ServiceProcess): Side & { close(): void; createCollection(): Promise<void> } {
  const http = createHttpClient(records.url, CONCURRENCY);
  let sequence = 0;
  return {
    label: 'hexbase: POST /v1/collections/bench/records (records process)',
    targetPid: records.child.pid!,
    windows: [],
    async createCollection() {
      const created = await http.send('POST', '/v1/collections', { name: HEXBASE_COLLECTION, description: 'benchmark products', schema: PRODUCT_SCHEMA });
      if (created.status !== 201) throw new Error(`creating the collection answered ${created.status}: ${created.body}`);
    },
    async write() {
      const response = await http.send('POST', `/v1/collections/${HEXBASE_COLLECTION}/records`, { data: productData(sequence++) });
      if (response.status !== 201) throw new Error(`POST answered ${response.status}: ${response.body}`);
    },
    close: () => http.close(),
  };
}

/** The same record and outbox row written with raw pg in one transaction. */
function baselineSide(databaseUrl: string): Side & { close(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CONCURRENCY });
  let sequence = 0;
  return {
    label: `baseline: pg Pool(${CONCURRENCY}) BEGIN; INSERT record; INSERT outbox; COMMIT`,
    windows: [],
    async write() {
      const { id, data, now, envelope } = createdRecord(BASELINE_COLLECTION, productData(sequence++));
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(INSERT_RECORD, [BENCH_TENANT, BASELINE_COLLECTION, id, JSON.stringify(data), now]);
        await client.query(INSERT_OUTBOX, [envelope.id, envelope.streamid, JSON.stringify(envelope)]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/**
 * Statistics as autovacuum has them after its first minute of real traffic (a benchmark is over
 * sooner): without them the planner cannot tell a collection's size (see the report in the
 * output). And a checkpoint, so that no dirty pages from the setup are flushed during the run.
 */
async function prepareTables(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('ANALYZE records.records');
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}

async function countRows(databaseUrl: string): Promise<{ records: Record<string, number>; outbox: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ collection: string; count: string }>('SELECT collection, count(*) FROM records.records GROUP BY collection ORDER BY collection');
    const { rows: outbox } = await client.query<{ count: string }>('SELECT count(*) FROM records.outbox');
    return { records: Object.fromEntries(rows.map((row) => [row.collection, Number(row.count)])), outbox: Number(outbox[0]!.count) };
  } finally {
    await client.end();
  }
}

function row(label: string, result: LoadResult): string[] {
  const { cpu } = result;
  const cores = (value: number | undefined) => (value === undefined ? '-' : formatNumber(value, 2));
  return [
    label,
    formatNumber(result.perSecond),
    formatNumber(result.p50Ms, 2),
    formatNumber(result.p99Ms, 2),
    formatNumber(result.completed),
    String(result.failed),
    cores(cpu.target),
    cores(cpu.database),
    cores(cpu.loadGenerator),
    cores(otherProcesses(cpu)),
    cores(cpu.machine),
  ];
}

async function main(): Promise<void> {
  const servers = await benchServers();
  console.log(`records.create: ${CONCURRENCY} concurrent clients per side; ${DURATION_MS / 1000} s measured per side in ${ROUNDS} alternating rounds, after a ${WARMUP_MS / 1000} s warm-up.`);
  console.log('The outbox relay is NOT running: both sides measure the write path only (record + outbox row in one transaction); the outbox grows.');
  console.log(`records.records is ANALYZEd after ${PRIMING_MS / 1000} s of priming writes, as autovacuum would be within a minute of real traffic.`);
  console.log(machineNote());
  const database = await migratedDatabase(servers.databaseUrl, 'bench_writes');
  const databaseName = decodeURIComponent(new URL(database.url).pathname.slice(1));
  let records: ServiceProcess | undefined;
  let hexbase: ReturnType<typeof hexbaseSide> | undefined;
  let baseline: ReturnType<typeof baselineSide> | undefined;
  try {
    const port = await freePort();
    records = await startServiceProcess({
      entry: 'services/records/src/main.ts',
      port,
      // The records API never touches the broker; the exchange name is only there to be its own.
      env: { DATABASE_URL: database.url, RABBITMQ_URL: servers.rabbitmqUrl, HEXBASE_EXCHANGE: uniqueName('bench.events'), RECORDS_PORT: String(port), LOG_LEVEL: 'warn' },
    });
    hexbase = hexbaseSide(records);
    baseline = baselineSide(database.url);
    await hexbase.createCollection();
    await runClosedLoop({ concurrency: CONCURRENCY, warmupMs: 0, durationMs: PRIMING_MS }, hexbase.write);
    await prepareTables(database.url);

    const sides = [hexbase, baseline];
    for (const side of sides) await runClosedLoop({ concurrency: CONCURRENCY, warmupMs: 0, durationMs: WARMUP_MS }, side.write);
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of round % 2 === 0 ? sides : [...sides].reverse()) {
        const options = { concurrency: CONCURRENCY, warmupMs: ROUND_WARMUP_MS, durationMs: DURATION_MS / ROUNDS, databaseName, ...(side.targetPid ? { targetPid: side.targetPid } : {}) };
        side.windows.push(await runClosedLoop(options, side.write));
      }
    }
    const [ours, raw] = [combineWindows(hexbase.windows), combineWindows(baseline.windows)];
    const rows = await countRows(database.url);

    console.log('');
    printTable([
      ['side', 'writes/s', 'p50 ms', 'p99 ms', 'writes', 'errors', 'service cpu', 'postgres cpu', 'bench cpu', 'other cpu', 'machine cpu'],
      row(hexbase.label, ours),
      row(baseline.label, raw),
    ]);
    console.log(`(cpu: cores busy on average while measuring, out of ${availableParallelism()}; postgres = the backends of this run's database; other = processes outside this benchmark)`);
    console.log(`per round, writes/s: hexbase ${hexbase.windows.map((window) => formatNumber(window.perSecond)).join(' / ')}; baseline ${baseline.windows.map((window) => formatNumber(window.perSecond)).join(' / ')}`);
    console.log(`ratio hexbase/baseline: ${(ours.perSecond / raw.perSecond).toFixed(3)} (target >= 0.3)`);
    console.log(`rows written: ${JSON.stringify(rows.records)}; outbox backlog: ${rows.outbox} (relay not running)`);
    for (const [side, result] of [['hexbase', ours], ['baseline', raw]] as const) {
      if (result.failed > 0) throw new Error(`${side}: ${result.failed} writes failed, first: ${(result.firstError as Error)?.message}`);
    }
    console.log('');
    printResult('records.create', 'records/s', ours.perSecond, raw.perSecond);
  } finally {
    hexbase?.close();
    await baseline?.close();
    await records?.stop();
    await database.drop();
  }
}

await main();
