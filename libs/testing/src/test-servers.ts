import { inject } from 'vitest';

/** The servers of this test run, as found by the global setup. Call inside a test file. */
export function testServers(): { databaseUrl: string; redisUrl: string; rabbitmqUrl: string } {
  return { databaseUrl: inject('databaseUrl'), redisUrl: inject('redisUrl'), rabbitmqUrl: inject('rabbitmqUrl') };
}
