/**
 * How fast the records outbox relay drains a backlog into RabbitMQ, next to a raw amqplib confirm
 * channel publishing the same messages in windows of the relay's batch size.
 *
 *   node --import tsx bench/relay-drain.bench.ts
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import amqplib, { type ConfirmChannel } from 'amqplib';
import pg from 'pg';
import { routingKeyFor, type EventEnvelope } from '@hexbase/contracts';
// The publisher's own message properties, so both sides send byte-for-byte the same headers.
import { eventMessageOptions } from '../libs/messaging/src/message-headers';
import { benchServers, formatNumber, freePort, machineNote, migratedDatabase, printResult, printTable, startServiceProcess, uniqueName, type ServiceProcess } from './support/bench-environment';
import { cpuShare, findProcess, otherProcesses, sampleCpu, type CpuShare, type CpuSubjects } from './support/cpu-usage';
import { createdRecord, productData } from './support/record-events';

const BACKLOG = Number(process.env.BENCH_RELAY_BACKLOG ?? 100_000);
/** The relay's default RECORDS_RELAY_BATCH_SIZE; the baseline confirms in windows of this size. */
const BATCH_SIZE = 500;
const INSERT_CHUNK = 5_000;
/** The advisory lock the records relay takes per batch (services/records/src/adapters/postgres/pg-outbox.ts). */
const RELAY_LOCK_KEY = 7_240_001;
const OUTBOX_CHANNEL = 'hexbase_records_outbox';
const RECORDS_SOURCE = '/hexbase/records';
const DRAIN_TIMEOUT_MS = 60_000;

interface Drain {
  seconds: number;
  cpu: CpuShare;
}

/** Writes the backlog straight into the outbox, as the records service would have over time. */
async function fillOutbox(sql: pg.Client, events: EventEnvelope[]): Promise<void> {
  for (let start = 0; start < events.length; start += INSERT_CHUNK) {
    const chunk = events.slice(start, start + INSERT_CHUNK);
    await sql.query('INSERT INTO records.outbox (event_id, stream_id, envelope) SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[])', [
      chunk.map((event) => event.id),
      chunk.map((event) => event.streamid),
      chunk.map((event) => JSON.stringify(event)),
    ]);
  }
  await sql.query('ANALYZE records.outbox');
  await sql.query('CHECKPOINT');
}

/**
 * Starts the relay while `gate` holds the relay's lock, so the backlog stays put until the clock
 * starts; then lets go, rings the relay's doorbell and waits until the outbox is empty.
 */
async function drainWithRelay(env: Record<string, string>, sql: pg.Client, gate: pg.Client, cpuOf: CpuSubjects): Promise<{ drain: Drain; relay: ServiceProcess }> {
  await gate.query('SELECT pg_advisory_lock($1)', [RELAY_LOCK_KEY]);
  const relay = await startServiceProcess({ entry: 'services/records/src/relay-main.ts', port: Number(env.RECORDS_RELAY_PORT), env });
  const pending = await oldestPosition(sql);
  if (pending === undefined || pending !== 1) {
    throw new Error('the relay published before the benchmark let it: does it still take advisory lock 7240001 per batch?');
  }
  const cpuStart = await sampleCpu({ ...cpuOf, targetPid: relay.child.pid! });
  const startedAt = performance.now();
  await gate.query('SELECT pg_advisory_unlock($1)', [RELAY_LOCK_KEY]);
  await gate.query(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`);
  while ((await oldestPosition(sql)) !== undefined) {
    if (performance.now() - startedAt > DRAIN_TIMEOUT_MS) throw new Error(`the outbox was not empty after ${DRAIN_TIMEOUT_MS / 1000} s:\n${relay.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seconds = (performance.now() - startedAt) / 1000;
  return { drain: { seconds, cpu: cpuShare(cpuStart, await sampleCpu({ ...cpuOf, targetPid: relay.child.pid! })) }, relay };
}

/** The lowest position left in the outbox, through its primary key (cheap however many rows were deleted). */
async function oldestPosition(sql: pg.Client): Promise<number | undefined> {
  const { rows } = await sql.query<{ position: string }>('SELECT position FROM records.outbox ORDER BY position LIMIT 1');
  return rows[0] ? Number(rows[0].position) : undefined;
}

/** The same messages from a raw confirm channel: publish a window, wait for its confirms, next. */
async function publishRaw(channel: ConfirmChannel, exchange: string, events: EventEnvelope[], cpuOf: CpuSubjects): Promise<Drain> {
  let returned = 0;
  channel.on('return', () => void (returned += 1));
  const messages = events.map((event) => ({ routingKey: routingKeyFor(event), body: Buffer.from(JSON.stringify(event)), options: eventMessageOptions(event, RECORDS_SOURCE) }));
  const cpuStart = await sampleCpu(cpuOf);
  const startedAt = performance.now();
  for (let start = 0; start < messages.length; start += BATCH_SIZE) {
    for (const message of messages.slice(start, start + BATCH_SIZE)) {
      if (!channel.publish(exchange, message.routingKey, message.body, message.options)) await new Promise((resolve) => channel.once('drain', resolve));
    }
    await channel.waitForConfirms();
  }
  const seconds = (performance.now() - startedAt) / 1000;
  const cpu = cpuShare(cpuStart, await sampleCpu(cpuOf));
  if (returned > 0) throw new Error(`${returned} messages came back unroutable`);
  return { seconds, cpu };
}

async function waitForQueueDepth(channel: ConfirmChannel, queue: string, depth: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { messageCount } = await channel.checkQueue(queue);
    if (messageCount >= depth) return;
    if (Date.now() > deadline) throw new Error(`queue ${queue} holds ${messageCount} messages, expected ${depth}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function deleteTopology(broker: amqplib.ChannelModel, queue: string, exchange: string): Promise<void> {
  const channel = await broker.createChannel();
  await channel.deleteQueue(queue);
  await channel.deleteExchange(exchange);
  await channel.close();
}

function row(label: string, drain: Drain, count: number): string[] {
  const cores = (value: number | undefined) => (value === undefined ? '-' : formatNumber(value, 2));
  const { cpu } = drain;
  return [label, formatNumber(count / drain.seconds), formatNumber(drain.seconds, 2), cores(cpu.target), cores(cpu.database), cores(cpu.broker), cores(cpu.loadGenerator), cores(otherProcesses(cpu)), cores(cpu.machine)];
}

async function main(): Promise<void> {
  const servers = await benchServers();
  console.log(`relay.drain: a backlog of ${formatNumber(BACKLOG)} record.created events in the records outbox, drained by the real relay process (batch size ${BATCH_SIZE}),`);
  console.log(`next to a raw amqplib confirm channel publishing the same messages (persistent, mandatory) in windows of ${BATCH_SIZE} confirms.`);
  console.log('Both publish to a durable quorum queue bound with "#" that nobody consumes; it is purged between the two.');
  console.log(machineNote());

  const exchange = uniqueName('bench.events');
  const queue = uniqueName('bench_relay');
  const database = await migratedDatabase(servers.databaseUrl, 'bench_relay');
  const databaseName = decodeURIComponent(new URL(database.url).pathname.slice(1));
  const sql = new pg.Client({ connectionString: database.url });
  const gate = new pg.Client({ connectionString: database.url });
  const broker = await amqplib.connect(servers.rabbitmqUrl);
  let relay: ServiceProcess | undefined;
  try {
    await Promise.all([sql.connect(), gate.connect()]);
    const channel = await broker.createConfirmChannel();
    await channel.assertExchange(exchange, 'topic', { durable: true, autoDelete: false });
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await channel.bindQueue(queue, exchange, '#');

    const events = Array.from({ length: BACKLOG }, (_, index) => createdRecord('orders', productData(index)).envelope);
    const fillStartedAt = performance.now();
    await fillOutbox(sql, events);
    console.log(`outbox filled with ${formatNumber(BACKLOG)} events in ${formatNumber((performance.now() - fillStartedAt) / 1000, 1)} s (about ${formatNumber(Buffer.byteLength(JSON.stringify(events[0])))} bytes each)`);

    const cpuOf: CpuSubjects = { databaseName, ...(await findProcess('beam.smp').then((pid) => (pid ? { brokerPid: pid } : {}))) };
    const [recordsPort, relayPort] = await Promise.all([freePort(), freePort()]);
    const env = { DATABASE_URL: database.url, RABBITMQ_URL: servers.rabbitmqUrl, HEXBASE_EXCHANGE: exchange, RECORDS_PORT: String(recordsPort), RECORDS_RELAY_PORT: String(relayPort), LOG_LEVEL: 'warn' };
    const viaRelay = await drainWithRelay(env, sql, gate, cpuOf);
    relay = viaRelay.relay;
    await waitForQueueDepth(channel, queue, BACKLOG);
    await relay.stop();
    relay = undefined;
    await channel.purgeQueue(queue);

    const raw = await publishRaw(channel, exchange, events, cpuOf);
    await waitForQueueDepth(channel, queue, BACKLOG);
    await channel.purgeQueue(queue);
    await channel.close();

    const [ours, theirs] = [BACKLOG / viaRelay.drain.seconds, BACKLOG / raw.seconds];
    console.log('');
    printTable([
      ['side', 'events/s', 'seconds', 'relay cpu', 'postgres cpu', 'rabbitmq cpu', 'bench cpu', 'other cpu', 'machine cpu'],
      row('hexbase: relay-main.ts drains the outbox (select, publish, confirm, delete per batch)', viaRelay.drain, BACKLOG),
      row(`baseline: raw amqplib confirm channel, waitForConfirms every ${BATCH_SIZE}`, raw, BACKLOG),
    ]);
    console.log(`(cpu: cores busy on average while draining, out of ${availableParallelism()}; postgres = the backends of this run's database; other = processes outside this benchmark)`);
    console.log(`ratio hexbase/baseline: ${(ours / theirs).toFixed(3)} (target >= 0.7)`);
    console.log('');
    printResult('relay.drain', 'events/s', ours, theirs);
  } finally {
    await relay?.stop();
    await deleteTopology(broker, queue, exchange).catch((error: Error) => console.error(`could not delete ${queue} / ${exchange}: ${error.message}`));
    await broker.close().catch(() => undefined);
    await Promise.all([sql.end(), gate.end()]).catch(() => undefined);
    await database.drop();
  }
}

await main();
