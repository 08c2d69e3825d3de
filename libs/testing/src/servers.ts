import { connect } from 'node:net';
import { request } from 'node:http';
import { DEFAULT_DATABASE_URL, DEFAULT_RABBITMQ_URL, DEFAULT_REDIS_URL } from '@hexbase/config';

/** Addresses of the real servers a test run talks to. */
export interface TestServers {
  databaseUrl: string;
  redisUrl: string;
  rabbitmqUrl: string;
  /** Where they came from, for the run's log line. */
  origin: 'environment' | 'testcontainers' | 'local-defaults';
  /** Stops what this run started (containers); a no-op for servers it found. */
  stop(): Promise<void>;
}

type Env = Record<string, string | undefined>;

/**
 * Finds the servers for a test run, in this order:
 * 1. the URLs in DATABASE_URL / REDIS_URL / RABBITMQ_URL, when all three are set;
 * 2. Testcontainers, when a Docker engine answers (a laptop, a hosted CI);
 * 3. the servers on their default local ports (the development machines of this project).
 */
export async function findTestServers(env: Env = process.env): Promise<TestServers> {
  if (env.DATABASE_URL && env.REDIS_URL && env.RABBITMQ_URL) {
    return { databaseUrl: env.DATABASE_URL, redisUrl: env.REDIS_URL, rabbitmqUrl: env.RABBITMQ_URL, origin: 'environment', stop: async () => {} };
  }
  if (env.HEXBASE_TEST_CONTAINERS !== 'off' && (await dockerEngineAnswers(env))) {
    const { startContainers } = await import('./containers');
    return startContainers();
  }
  return {
    databaseUrl: env.DATABASE_URL ?? DEFAULT_DATABASE_URL,
    redisUrl: env.REDIS_URL ?? DEFAULT_REDIS_URL,
    rabbitmqUrl: env.RABBITMQ_URL ?? DEFAULT_RABBITMQ_URL,
    origin: 'local-defaults',
    stop: async () => {},
  };
}

/** True when a Docker engine answers `/_ping` within a second (the `docker` client alone is not enough). */
export async function dockerEngineAnswers(env: Env = process.env): Promise<boolean> {
  const host = env.DOCKER_HOST;
  if (host && host.startsWith('tcp://')) {
    const url = new URL(host.replace('tcp://', 'http://'));
    return ping({ host: url.hostname, port: Number(url.port || 2375) });
  }
  const socketPath = host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
  return ping({ socketPath });
}

function ping(target: { socketPath: string } | { host: string; port: number }): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ ...target, path: '/_ping', method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** True when something accepts TCP connections at host:port within the timeout. */
export function tcpReachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
