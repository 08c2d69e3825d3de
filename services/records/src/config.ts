import { readInfrastructureConfig, readInt, readServiceHost, readServicePort, readUrl, type InfrastructureConfig } from '@hexbase/config';
import { DEFAULT_DRAIN_MS } from '@hexbase/http';

export interface RecordsConfig extends InfrastructureConfig {
  host: string;
  port: number;
  /** After SIGTERM, how long the process keeps serving with readiness at 503 before it stops accepting (SHUTDOWN_DRAIN_MS). */
  shutdownDrainMs: number;
  relayPort: number;
  relay: { batchSize: number; pollIntervalMs: number };
  /** The event store, asked for earlier versions of records; each call gives up after `timeoutMs`. */
  eventStore: { url: string; timeoutMs: number };
}

export function readRecordsConfig(env: Record<string, string | undefined> = process.env): RecordsConfig {
  return {
    ...readInfrastructureConfig(env),
    host: readServiceHost(env),
    port: readServicePort('records', env),
    shutdownDrainMs: readInt(env, 'SHUTDOWN_DRAIN_MS', DEFAULT_DRAIN_MS, { min: 0, max: 60_000 }),
    relayPort: readInt(env, 'RECORDS_RELAY_PORT', 4111, { min: 0, max: 65535 }),
    relay: {
      batchSize: readInt(env, 'RECORDS_RELAY_BATCH_SIZE', 500, { min: 1, max: 10_000 }),
      pollIntervalMs: readInt(env, 'RECORDS_RELAY_POLL_INTERVAL_MS', 1000, { min: 10, max: 60_000 }),
    },
    eventStore: {
      url: readUrl(env, 'EVENT_STORE_URL', 'http://127.0.0.1:4102', ['http:', 'https:']),
      timeoutMs: readInt(env, 'EVENT_STORE_TIMEOUT_MS', 3000, { min: 50, max: 60_000 }),
    },
  };
}
