import { readInfrastructureConfig, readInt, readServiceHost, readServicePort, type InfrastructureConfig } from '@hexbase/config';

export interface RecordsConfig extends InfrastructureConfig {
  host: string;
  port: number;
  relayPort: number;
  relay: { batchSize: number; pollIntervalMs: number };
}

export function readRecordsConfig(env: Record<string, string | undefined> = process.env): RecordsConfig {
  return {
    ...readInfrastructureConfig(env),
    host: readServiceHost(env),
    port: readServicePort('records', env),
    relayPort: readInt(env, 'RECORDS_RELAY_PORT', 4111, { min: 0, max: 65535 }),
    relay: {
      batchSize: readInt(env, 'RECORDS_RELAY_BATCH_SIZE', 500, { min: 1, max: 10_000 }),
      pollIntervalMs: readInt(env, 'RECORDS_RELAY_POLL_INTERVAL_MS', 1000, { min: 10, max: 60_000 }),
    },
  };
}
