import { readInt, readOneOf, readString, readUrl } from './env';

type Env = Record<string, string | undefined>;

/** Where the shared servers are. Defaults are the local development servers. */
export interface InfrastructureConfig {
  databaseUrl: string;
  redisUrl: string;
  rabbitmqUrl: string;
  /** Topic exchange every domain event is published to. */
  exchange: string;
  logLevel: LogLevel;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/hexbase';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';
export const DEFAULT_EXCHANGE = 'hexbase.events';

export function readInfrastructureConfig(env: Env = process.env): InfrastructureConfig {
  return {
    databaseUrl: readUrl(env, 'DATABASE_URL', DEFAULT_DATABASE_URL, ['postgresql:', 'postgres:']),
    redisUrl: readUrl(env, 'REDIS_URL', DEFAULT_REDIS_URL, ['redis:', 'rediss:']),
    rabbitmqUrl: readUrl(env, 'RABBITMQ_URL', DEFAULT_RABBITMQ_URL, ['amqp:', 'amqps:']),
    exchange: readString(env, 'HEXBASE_EXCHANGE', DEFAULT_EXCHANGE),
    logLevel: readOneOf(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
  };
}

/** Default HTTP ports of the services, overridable by `<SERVICE>_PORT`. */
export const DEFAULT_PORTS = {
  gateway: 4000,
  records: 4101,
  'event-store': 4102,
  search: 4103,
  notifications: 4104,
} as const;

export type ServiceName = keyof typeof DEFAULT_PORTS;

export function envPrefix(service: ServiceName): string {
  return service.toUpperCase().replace(/-/g, '_');
}

export function readServicePort(service: ServiceName, env: Env = process.env): number {
  return readInt(env, `${envPrefix(service)}_PORT`, DEFAULT_PORTS[service], { min: 0, max: 65535 });
}

export function readServiceHost(env: Env = process.env): string {
  return readString(env, 'HOST', '127.0.0.1');
}
