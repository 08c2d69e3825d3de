import { readDelays, readInfrastructureConfig, readInt, readServiceHost, readServicePort, readString, type InfrastructureConfig } from '@hexbase/config';
import { DEFAULT_DRAIN_MS } from '@hexbase/http';

export interface EventStoreConfig extends InfrastructureConfig {
  host: string;
  port: number;
  /** After SIGTERM, how long the process keeps serving with readiness at 503 before it stops accepting (SHUTDOWN_DRAIN_MS). */
  shutdownDrainMs: number;
  intake: { queue: string; prefetch: number; retryDelaysMs: number[]; deliveryLimit: number };
}

export function readEventStoreConfig(env: Record<string, string | undefined> = process.env): EventStoreConfig {
  return {
    ...readInfrastructureConfig(env),
    host: readServiceHost(env),
    port: readServicePort('event-store', env),
    shutdownDrainMs: readInt(env, 'SHUTDOWN_DRAIN_MS', DEFAULT_DRAIN_MS, { min: 0, max: 60_000 }),
    intake: {
      queue: readString(env, 'EVENT_STORE_QUEUE', 'hexbase.event-store'),
      prefetch: readInt(env, 'EVENT_STORE_PREFETCH', 64, { min: 1, max: 10_000 }),
      retryDelaysMs: readDelays(env, 'EVENT_STORE_RETRY_DELAYS_MS', [1_000, 5_000, 30_000]),
      deliveryLimit: readInt(env, 'EVENT_STORE_DELIVERY_LIMIT', 10, { min: 1, max: 1000 }),
    },
  };
}

/** Following the log, replay and retention. */
export interface EventStoreOperationsConfig {
  /** How often a waiting follower reads the head anyway, in case a notification was missed. */
  watchPollIntervalMs: number;
  sseHeartbeatMs: number;
  replay: { batchSize: number; leaseMs: number };
  /** Interval of the periodic retention pass. */
  retentionIntervalMs: number;
}

export function readEventStoreOperationsConfig(env: Record<string, string | undefined> = process.env): EventStoreOperationsConfig {
  return {
    watchPollIntervalMs: readInt(env, 'EVENT_STORE_WATCH_POLL_MS', 1_000, { min: 10, max: 60_000 }),
    sseHeartbeatMs: readInt(env, 'EVENT_STORE_SSE_HEARTBEAT_MS', 15_000, { min: 100, max: 300_000 }),
    replay: {
      batchSize: readInt(env, 'EVENT_STORE_REPLAY_BATCH_SIZE', 500, { min: 1, max: 10_000 }),
      leaseMs: readInt(env, 'EVENT_STORE_REPLAY_LEASE_MS', 30_000, { min: 100, max: 3_600_000 }),
    },
    retentionIntervalMs: readInt(env, 'EVENT_STORE_RETENTION_INTERVAL_MS', 3_600_000, { min: 100, max: 7 * 24 * 3_600_000 }),
  };
}

/** Direct appends, their outbox relay, consistency waits and snapshots. */
export interface EventStoreStreamsConfig {
  /** Most events one append may carry. */
  maxAppendEvents: number;
  /** Largest append request body, in bytes. */
  appendBodyLimitBytes: number;
  /** How long a read given a consistency token waits for its stream to reach it. */
  consistencyWaitMs: number;
  /** Take a snapshot of a record stream every this many events (0: never). */
  snapshotEvery: number;
  relay: { batchSize: number; pollIntervalMs: number };
}

export function readEventStoreStreamsConfig(env: Record<string, string | undefined> = process.env): EventStoreStreamsConfig {
  return {
    maxAppendEvents: readInt(env, 'EVENT_STORE_MAX_APPEND_EVENTS', 1000, { min: 1, max: 10_000 }),
    appendBodyLimitBytes: readInt(env, 'EVENT_STORE_APPEND_BODY_LIMIT_BYTES', 4 * 1024 * 1024, { min: 1024, max: 64 * 1024 * 1024 }),
    consistencyWaitMs: readInt(env, 'EVENT_STORE_CONSISTENCY_WAIT_MS', 2_000, { min: 0, max: 60_000 }),
    snapshotEvery: readInt(env, 'EVENT_STORE_SNAPSHOT_EVERY', 100, { min: 0, max: 1_000_000 }),
    relay: {
      batchSize: readInt(env, 'EVENT_STORE_RELAY_BATCH_SIZE', 500, { min: 1, max: 10_000 }),
      pollIntervalMs: readInt(env, 'EVENT_STORE_RELAY_POLL_INTERVAL_MS', 1000, { min: 10, max: 60_000 }),
    },
  };
}
