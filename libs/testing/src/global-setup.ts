import type { TestProject } from 'vitest/node';
import { findTestServers } from './servers';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    rabbitmqUrl: string;
    serversOrigin: string;
  }
}

/** Vitest global setup: one set of servers per test run, handed to every test file. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const servers = await findTestServers();
  project.provide('databaseUrl', servers.databaseUrl);
  project.provide('redisUrl', servers.redisUrl);
  project.provide('rabbitmqUrl', servers.rabbitmqUrl);
  project.provide('serversOrigin', servers.origin);
  return () => servers.stop();
}
