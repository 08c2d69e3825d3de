/**
 * Search on a generated catalogue of 100,000 products (bench/support/product-catalogue.ts):
 *
 * - indexing: record.created events published to the exchange and applied by the search
 *   process's consumer, in events per second, next to the write rate of the records API
 *   measured in the same run (the pipeline's input): above 1, the index keeps up and lag stays
 *   bounded;
 * - search latency, p50 and p95, through the search service's HTTP API (one client, one
 *   request at a time) next to the same page query run directly with pg on the same snapshot
 *   of the index (the query planned once, outside the timing).
 *
 *   node --import tsx bench/search.bench.ts
 *   BENCH_SEARCH_RECORDS=20000 node --import tsx bench/search.bench.ts   (a quicker run)
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { CollectionEventType, RecordEventType, collectionSchemaUri, collectionStreamId, recordSchemaUri, recordStreamId, type EventEnvelope } from '@hexbase/contracts';
import { parseFilter } from '@hexbase/filter';
import { connectToEventBus, createAmqpPublisher } from '@hexbase/messaging';
import { uuidV7Ids } from '@hexbase/ports';
import { planQuery } from '../services/search/src/adapters/postgres/pg-query-plan';
import { pageQuery } from '../services/search/src/adapters/postgres/pg-search-index';
import { parseSearchQuery } from '../services/search/src/domain/search-query';
import { benchServers, formatNumber, freePort, machineNote, migratedDatabase, printResult, printTable, startServiceProcess, uniqueName, type ServiceProcess } from './support/bench-environment';
import { percentile, runClosedLoop } from './support/closed-loop';
import { createHttpClient } from './support/http-client';
import { PRODUCT_SCHEMA, productData } from './support/record-events';
import { PRODUCT_SEARCH_SETTINGS, product } from './support/product-catalogue';

const RECORDS = Number(process.env.BENCH_SEARCH_RECORDS ?? 100_000);
const REPETITIONS = Number(process.env.BENCH_SEARCH_REPETITIONS ?? 40);
const WRITE_DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 5_000);
const TENANT = 'default';
const COLLECTION = 'products';
const PUBLISH_BATCH = 1_000;

/** What people type: words, a phrase, OR, an exclusion, a prefix, a typo, a filter, a sort. */
const QUERIES: Array<{ q: string; filter?: string; sort?: string }> = [
  { q: 'wireless headphones ' },
  { q: 'keyboard ' },
  { q: '"espresso machine" ' },
  { q: 'tent OR backpack ' },
  { q: 'kettle -ceramic ' },
  { q: 'ergonomic mou' },
  { q: 'rechargable speaker ' },
  { q: 'waterproof ', filter: 'price < 50 and inStock = true' },
  { q: 'lamp ', sort: '-price' },
  { q: 'acme ', filter: 'category = "audio"' },
  { q: 'notebook ' },
  { q: '', filter: 'brand = "Globex" and rating >= 4', sort: 'price' },
];

function envelope(type: string, streamId: string, version: number, data: unknown, schema: string): EventEnvelope {
  return {
    specversion: '1.0',
    id: uuidV7Ids.next(),
    source: '/hexbase/records',
    type,
    subject: streamId,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    dataschema: schema,
    data,
    tenantid: TENANT,
    streamid: streamId,
    streamversion: version,
  };
}

async function indexCatalogue(databaseUrl: string, exchange: string, rabbitmqUrl: string): Promise<{ eventsPerSecond: number; publishSeconds: number; indexSeconds: number }> {
  const connection = await connectToEventBus({ url: rabbitmqUrl, name: 'bench-search', exchange });
  await connection.waitUntilConnected(10_000);
  const publisher = createAmqpPublisher(connection, { exchange });
  const sql = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  try {
    const definition = { name: COLLECTION, version: 1, description: '', schema: {}, uniqueFields: [], indexedFields: [], search: PRODUCT_SEARCH_SETTINGS };
    await publisher.publish([envelope(CollectionEventType.created, collectionStreamId(COLLECTION), 1, definition, collectionSchemaUri(CollectionEventType.created))]);
    await waitFor(sql, `SELECT 1 FROM search.indexes WHERE collection = $1 AND settings IS NOT NULL`, [COLLECTION], (rows) => rows.length === 1);

    const publishStart = performance.now();
    for (let start = 0; start < RECORDS; start += PUBLISH_BATCH) {
      const batch: EventEnvelope[] = [];
      for (let n = start; n < Math.min(RECORDS, start + PUBLISH_BATCH); n += 1) {
        const id = `p${n}`;
        batch.push(envelope(RecordEventType.created, recordStreamId(COLLECTION, id), 1, { collection: COLLECTION, id, version: 1, data: product(n) }, recordSchemaUri(RecordEventType.created)));
      }
      await publisher.publish(batch);
    }
    const publishSeconds = (performance.now() - publishStart) / 1000;
    await waitFor(sql, `SELECT count(*)::int AS n FROM search.documents WHERE collection = $1`, [COLLECTION], (rows) => rows[0]?.n === RECORDS, 600_000);
    // Commit times of the first and last document: the consumer's own rate, whatever the publisher did.
    const { rows } = await sql.query<{ seconds: number }>(`SELECT EXTRACT(EPOCH FROM max(updated_at) - min(updated_at))::float8 AS seconds FROM search.documents WHERE collection = $1`, [COLLECTION]);
    const indexSeconds = rows[0]!.seconds;
    return { eventsPerSecond: RECORDS / indexSeconds, publishSeconds, indexSeconds };
  } finally {
    await publisher.close();
    await connection.close();
    await sql.end();
  }
}

async function waitFor(sql: pg.Pool, text: string, values: unknown[], done: (rows: Array<{ n?: number }>) => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await sql.query(text, values);
    if (done(rows)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function measureRecordWrites(databaseUrl: string, rabbitmqUrl: string): Promise<number> {
  const port = await freePort();
  const records = await startServiceProcess({
    entry: 'services/records/src/main.ts',
    port,
    env: { DATABASE_URL: databaseUrl, RABBITMQ_URL: rabbitmqUrl, HEXBASE_EXCHANGE: uniqueName('bench.unused'), RECORDS_PORT: String(port), LOG_LEVEL: 'warn' },
  });
  const http = createHttpClient(records.url, 32);
  try {
    const created = await http.send('POST', '/v1/collections', { name: 'bench_writes', schema: PRODUCT_SCHEMA });
    if (created.status !== 201) throw new Error(`creating the collection answered ${created.status}: ${created.body}`);
    let sequence = 0;
    const result = await runClosedLoop({ concurrency: 32, warmupMs: 1_000, durationMs: WRITE_DURATION_MS, targetPid: records.child.pid! }, async () => {
      const response = await http.send('POST', '/v1/collections/bench_writes/records', { data: productData(sequence++) });
      if (response.status !== 201) throw new Error(`POST answered ${response.status}`);
    });
    if (result.failed > 0) throw new Error(`${result.failed} record writes failed`);
    return result.perSecond;
  } finally {
    http.close();
    await records.stop();
  }
}

interface Latencies {
  service: number[];
  raw: number[];
  rich: number[];
  hits: number[];
}

async function measureSearches(search: ServiceProcess, databaseUrl: string): Promise<Latencies> {
  const http = createHttpClient(search.url, 1);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1, options: '-c search_path=search' });
  const latencies: Latencies = { service: [], raw: [], rich: [], hits: [] };
  try {
    const planned = [];
    for (const query of QUERIES) {
      const client = await pool.connect();
      try {
        const filter = query.filter ? parseFilter(query.filter) : undefined;
        const plan = await planQuery(client, { tenantId: TENANT, collection: COLLECTION, query: parseSearchQuery(query.q), ...(filter ? { filter } : {}), typoTolerance: true });
        const sort = query.sort ? { field: query.sort.replace(/^-/, ''), descending: query.sort.startsWith('-') } : undefined;
        planned.push({ query, sql: pageQuery(plan, { ...(sort ? { sort } : {}), limit: 20, offset: 0 }) });
      } finally {
        client.release();
      }
    }
    const url = (query: (typeof QUERIES)[number], extra: Record<string, string> = {}) =>
      `/v1/search/${COLLECTION}?${new URLSearchParams({ q: query.q, limit: '20', ...(query.filter ? { filter: query.filter } : {}), ...(query.sort ? { sort: query.sort } : {}), ...extra })}`;
    const time = async (work: () => Promise<void>) => {
      const start = performance.now();
      await work();
      return performance.now() - start;
    };
    for (let round = -3; round < REPETITIONS; round += 1) {
      for (const { query, sql } of planned) {
        let total = 0;
        const service = await time(async () => {
          const response = await http.send('GET', url(query));
          if (response.status !== 200) throw new Error(`search answered ${response.status}: ${response.body}`);
          total = (JSON.parse(response.body) as { total: number }).total;
        });
        const raw = await time(async () => void (await pool.query(sql.text, sql.values)));
        const rich = await time(async () => {
          const response = await http.send('GET', url(query, { facets: 'brand,category,price', highlight: 'true' }));
          if (response.status !== 200) throw new Error(`search answered ${response.status}: ${response.body}`);
        });
        if (round < 0) continue;
        latencies.service.push(service);
        latencies.raw.push(raw);
        latencies.rich.push(rich);
        if (round === 0) latencies.hits.push(total);
      }
    }
    return latencies;
  } finally {
    http.close();
    await pool.end();
  }
}

async function main(): Promise<void> {
  const servers = await benchServers();
  console.log(`search: ${formatNumber(RECORDS)} products; ${QUERIES.length} queries x ${REPETITIONS} rounds, one request at a time.`);
  console.log(machineNote());
  const database = await migratedDatabase(servers.databaseUrl, 'bench_search');
  const exchange = uniqueName('bench.search');
  const queue = uniqueName('bench.search');
  let search: ServiceProcess | undefined;
  try {
    const port = await freePort();
    search = await startServiceProcess({
      entry: 'services/search/src/main.ts',
      port,
      env: { DATABASE_URL: database.url, RABBITMQ_URL: servers.rabbitmqUrl, HEXBASE_EXCHANGE: exchange, SEARCH_QUEUE: queue, SEARCH_PORT: String(port), LOG_LEVEL: 'warn' },
    });
    const indexing = await indexCatalogue(database.url, exchange, servers.rabbitmqUrl);
    const analyze = new pg.Client({ connectionString: database.url });
    await analyze.connect();
    await analyze.query('VACUUM ANALYZE search.documents');
    await analyze.query('VACUUM ANALYZE search.lexicon');
    await analyze.end();
    const latencies = await measureSearches(search, database.url);
    const writes = await measureRecordWrites(database.url, servers.rabbitmqUrl);

    const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
    const [service, raw, rich] = [sorted(latencies.service), sorted(latencies.raw), sorted(latencies.rich)];
    console.log('');
    printTable([
      ['side', 'p50 ms', 'p95 ms', 'p99 ms', 'samples'],
      ['hexbase: GET /v1/search/products (search process, HTTP)', ...[0.5, 0.95, 0.99].map((p) => formatNumber(percentile(service, p), 2)), String(service.length)],
      ['baseline: the same page query, pg directly', ...[0.5, 0.95, 0.99].map((p) => formatNumber(percentile(raw, p), 2)), String(raw.length)],
      ['hexbase with facets (brand, category, price) and highlight', ...[0.5, 0.95, 0.99].map((p) => formatNumber(percentile(rich, p), 2)), String(rich.length)],
    ]);
    console.log(`hits per query: ${QUERIES.map((query, index) => `${JSON.stringify(query.q)}${query.filter ? ' +filter' : ''}: ${latencies.hits[index]}`).join(', ')}`);
    console.log(`p95 difference: ${formatNumber(percentile(service, 0.95) - percentile(raw, 0.95), 2)} ms (target <= 3 ms)`);
    console.log('');
    printTable([
      ['side', 'events/s'],
      [`hexbase: record.created applied by the search consumer (${formatNumber(indexing.indexSeconds, 1)} s; published in ${formatNumber(indexing.publishSeconds, 1)} s)`, formatNumber(indexing.eventsPerSecond)],
      ['baseline: POST /v1/collections/{name}/records, 32 clients (the pipeline input)', formatNumber(writes)],
    ]);
    console.log('');
    printResult('search.query.p50', 'ms', percentile(service, 0.5), percentile(raw, 0.5));
    printResult('search.query.p95', 'ms', percentile(service, 0.95), percentile(raw, 0.95));
    printResult('search.indexing', 'events/s', indexing.eventsPerSecond, writes);
  } finally {
    await search?.stop();
    const connection = await connectToEventBus({ url: servers.rabbitmqUrl, name: 'bench-search-cleanup', exchange });
    await connection.waitUntilConnected(10_000).catch(() => undefined);
    const channel = await connection.createChannel().catch(() => undefined);
    for (const name of [queue, `${queue}.dlq`, `${queue}.retry.1`, `${queue}.retry.2`, `${queue}.retry.3`]) await channel?.deleteQueue(name).catch(() => undefined);
    await channel?.deleteExchange(exchange).catch(() => undefined);
    await connection.close();
    await database.drop();
  }
}

await main();
