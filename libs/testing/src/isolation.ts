import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** A short random suffix for names a test file owns (databases, exchanges, queues, key prefixes). */
export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

export function uniqueName(label: string): string {
  return `${label.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}_${uniqueSuffix()}`;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * A fresh, empty database for one test file, on the run's PostgreSQL server. Every service
 * keeps its tables in its own schema inside it, exactly as in production.
 */
export async function createTestDatabase(serverUrl: string, label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `hxt_${uniqueName(label)}`.slice(0, 63);
  const admin = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(serverUrl, name),
    drop: async () => {
      const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
      await client.connect();
      try {
        // Pools that were just ended may still be closing their connections; terminating those
        // makes pg raise an error in the test process. Give them a moment, then force the rest.
        const deadline = Date.now() + 3_000;
        while (Date.now() < deadline) {
          const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
          if (rows[0]!.n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
