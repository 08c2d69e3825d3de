import { DEFAULT_DRAIN_MS } from '@hexbase/http';
import { readDelays, readInfrastructureConfig, readInt, readServiceHost, readServicePort, readString, readUrl, type InfrastructureConfig } from '@hexbase/config';

export interface SearchConfig extends InfrastructureConfig {
  host: string;
  port: number;
  /** The event store's HTTP API, read by rebuilds. */
  eventStoreUrl: string;
  consumer: { queue: string; prefetch: number; retryDelaysMs: number[]; deliveryLimit: number };
  /** How long a search given a consistency token waits for the index to catch up. */
  consistencyTimeoutMs: number;
  rebuild: { batchSize: number; pollIntervalMs: number; leaseMs: number };
  /** After SIGTERM, how long the process keeps serving with readiness at 503 before it stops accepting (SHUTDOWN_DRAIN_MS). */
  shutdownDrainMs: number;
}

export function readSearchConfig(env: Record<string, string | undefined> = process.env): SearchConfig {
  return {
    ...readInfrastructureConfig(env),
    host: readServiceHost(env),
    port: readServicePort('search', env),
    eventStoreUrl: readUrl(env, 'EVENT_STORE_URL', 'http://127.0.0.1:4102', ['http:', 'https:']),
    consumer: {
      queue: readString(env, 'SEARCH_QUEUE', 'hexbase.search'),
      prefetch: readInt(env, 'SEARCH_PREFETCH', 32, { min: 1, max: 10_000 }),
      retryDelaysMs: readDelays(env, 'SEARCH_RETRY_DELAYS_MS', [1_000, 5_000, 30_000]),
      deliveryLimit: readInt(env, 'SEARCH_DELIVERY_LIMIT', 10, { min: 1, max: 1000 }),
    },
    consistencyTimeoutMs: readInt(env, 'SEARCH_CONSISTENCY_TIMEOUT_MS', 5_000, { min: 0, max: 60_000 }),
    rebuild: {
      batchSize: readInt(env, 'SEARCH_REBUILD_BATCH_SIZE', 500, { min: 1, max: 1000 }),
      pollIntervalMs: readInt(env, 'SEARCH_REBUILD_POLL_INTERVAL_MS', 1_000, { min: 10, max: 60_000 }),
      leaseMs: readInt(env, 'SEARCH_REBUILD_LEASE_MS', 30_000, { min: 1_000, max: 600_000 }),
    },
    shutdownDrainMs: readInt(env, 'SHUTDOWN_DRAIN_MS', DEFAULT_DRAIN_MS, { min: 0, max: 60_000 }),
  };
}
