/**
 * Records created per second through the records HTTP API, next to raw pg inserts of the same
 * record and outbox rows in one transaction, at the same concurrency and for the same time.
 * The relay does not run: both sides measure the write path only, and the outbox just grows.
 *
 *   node --import tsx bench/records-writes.bench.ts
 */
import pg from 'pg';
import { benchServers, formatNumber, freePort, machineNote, migratedDatabase, printResult, printTable, startServiceProcess, uniqueName, type ServiceProcess } from './support/bench-environment';
import { runClosedLoop, type LoadResult } from './support/closed-loop';
import { createHttpClient } from './support/http-client';
import { BENCH_TENANT, createdRecord, PRODUCT_SCHEMA, productData } from './support/record-events';

const CONCURRENCY = 32;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 2_000);
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 10_000);
const HEXBASE_COLLECTION = 'bench';
const BASELINE_COLLECTION = 'bench_raw';

const INSERT_RECORD = `INSERT INTO records.records (tenant_id, collection, id, data, version, created_at, updated_at, deleted_at, purged_at)
  VALUES ($1, $2, $3, $4, 1, $5, $5, NULL, NULL)`;
const INSERT_OUTBOX = 'INSERT INTO records.outbox (event_id, stream_id, envelope) VALUES ($1, $2, $3)';

async function measureHexbase(records: ServiceProcess): Promise<LoadResult> {
  const http = createHttpClient(records.url, CONCURRENCY);
  try {
    const created = await http.send('POST', '/v1/collections', { name: HEXBASE_COLLECTION, description: 'benchmark products', schema: PRODUCT_SCHEMA });
    if (created.status !== 201) throw new Error(`creating the collection answered ${created.status}: ${created.body}`);
    let sequence = 0;
    return await runClosedLoop({ concurrency: CONCURRENCY, warmupMs: WARMUP_MS, durationMs: DURATION_MS, targetPid: records.child.pid! }, async () => {
      const response = await http.send('POST', `/v1/collections/${HEXBASE_COLLECTION}/records`, { data: productData(sequence++) });
      if (response.status !== 201) throw new Error(`POST answered ${response.status}: ${response.body}`);
    });
  } finally {
    http.close();
  }
}

async function measureBaseline(databaseUrl: string): Promise<LoadResult> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CONCURRENCY });
  try {
    let sequence = 0;
    return await runClosedLoop({ concurrency: CONCURRENCY, warmupMs: WARMUP_MS, durationMs: DURATION_MS }, async () => {
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
    });
  } finally {
    await pool.end();
  }
}

async function checkpoint(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Each side starts with no dirty pages left over from the one before.
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}

async function countRows(databaseUrl: string): Promise<{ records: Record<string, number>; outbox: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ collection: string; count: string }>('SELECT collection, count(*) FROM records.records GROUP BY collection');
    const { rows: outbox } = await client.query<{ count: string }>('SELECT count(*) FROM records.outbox');
    return { records: Object.fromEntries(rows.map((row) => [row.collection, Number(row.count)])), outbox: Number(outbox[0]!.count) };
  } finally {
    await client.end();
  }
}

function describe(result: LoadResult): string[] {
  const cpu = result.cpu;
  return [
    formatNumber(result.perSecond),
    formatNumber(result.p50Ms, 2),
    formatNumber(result.p99Ms, 2),
    formatNumber(result.completed),
    String(result.failed),
    cpu.target === undefined ? '-' : formatNumber(cpu.target, 2),
    formatNumber(cpu.loadGenerator, 2),
    formatNumber(cpu.machine, 2),
  ];
}

async function main(): Promise<void> {
  const servers = await benchServers();
  console.log(`records.create: ${CONCURRENCY} concurrent clients, ${WARMUP_MS / 1000} s warm-up + ${DURATION_MS / 1000} s measured per side.`);
  console.log('The outbox relay is NOT running: this measures the write path only (record + outbox row in one transaction); the outbox grows.');
  console.log(machineNote());
  const database = await migratedDatabase(servers.databaseUrl, 'bench_writes');
  let records: ServiceProcess | undefined;
  try {
    const port = await freePort();
    records = await startServiceProcess({
      entry: 'services/records/src/main.ts',
      port,
      env: { DATABASE_URL: database.url, RABBITMQ_URL: servers.rabbitmqUrl, HEXBASE_EXCHANGE: uniqueName('bench.events'), RECORDS_PORT: String(port), LOG_LEVEL: 'warn' },
    });

    await checkpoint(database.url);
    const hexbase = await measureHexbase(records);
    await checkpoint(database.url);
    const baseline = await measureBaseline(database.url);
    const rows = await countRows(database.url);

    console.log('');
    printTable([
      ['side', 'writes/s', 'p50 ms', 'p99 ms', 'writes', 'errors', 'service cpu', 'bench cpu', 'machine cpu'],
      ['hexbase: POST /v1/collections/bench/records (records process)', ...describe(hexbase)],
      ['baseline: pg Pool(32) BEGIN; INSERT record; INSERT outbox; COMMIT', ...describe(baseline)],
    ]);
    console.log('(cpu columns: cores busy on average; machine = all processes, out of 2)');
    console.log(`ratio hexbase/baseline: ${(hexbase.perSecond / baseline.perSecond).toFixed(3)} (target >= 0.3)`);
    console.log(`rows written: ${JSON.stringify(rows.records)}; outbox backlog: ${rows.outbox} (relay not running)`);
    for (const [side, result] of [['hexbase', hexbase], ['baseline', baseline]] as const) {
      if (result.failed > 0) throw new Error(`${side}: ${result.failed} writes failed, first: ${(result.firstError as Error)?.message}`);
    }
    console.log('');
    printResult('records.create', 'records/s', hexbase.perSecond, baseline.perSecond);
  } finally {
    await records?.stop();
    await database.drop();
  }
}

await main();
