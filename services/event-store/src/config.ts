import { readDelays, readInfrastructureConfig, readInt, readServiceHost, readServicePort, readString, type InfrastructureConfig } from '@hexbase/config';

export interface EventStoreConfig extends InfrastructureConfig {
  host: string;
  port: number;
  intake: { queue: string; prefetch: number; retryDelaysMs: number[]; deliveryLimit: number };
}

export function readEventStoreConfig(env: Record<string, string | undefined> = process.env): EventStoreConfig {
  return {
    ...readInfrastructureConfig(env),
    host: readServiceHost(env),
    port: readServicePort('event-store', env),
    intake: {
      queue: readString(env, 'EVENT_STORE_QUEUE', 'hexbase.event-store'),
      prefetch: readInt(env, 'EVENT_STORE_PREFETCH', 64, { min: 1, max: 10_000 }),
      retryDelaysMs: readDelays(env, 'EVENT_STORE_RETRY_DELAYS_MS', [1_000, 5_000, 30_000]),
      deliveryLimit: readInt(env, 'EVENT_STORE_DELIVERY_LIMIT', 10, { min: 1, max: 1000 }),
    },
  };
}
