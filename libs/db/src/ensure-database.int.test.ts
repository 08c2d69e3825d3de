import { testServers, uniqueName } from '@hexbase/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDatabase } from './database-url';
import { ensureDatabase } from './ensure-database';

const created: string[] = [];
let admin: pg.Client;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: withDatabase(testServers().databaseUrl, 'postgres') });
  await admin.connect();
});

afterAll(async () => {
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
});

function newDatabaseUrl(label: string): { name: string; url: string } {
  const name = `hxt_${uniqueName(label)}`;
  created.push(name);
  return { name, url: withDatabase(testServers().databaseUrl, name) };
}

async function exists(name: string): Promise<boolean> {
  return (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
}

describe('ensureDatabase', () => {
  it('creates the database named in the URL, and leaves it alone when it exists', async () => {
    const { name, url } = newDatabaseUrl('ensure_db');

    await ensureDatabase(url);
    await ensureDatabase(url);

    expect(await exists(name)).toBe(true);
  });

  it('succeeds in every process when several create the same database at once', async () => {
    const { name, url } = newDatabaseUrl('ensure_db_race');

    const results = await Promise.allSettled(Array.from({ length: 4 }, () => ensureDatabase(url)));

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(await exists(name)).toBe(true);
  });

  it('names the server when PostgreSQL cannot be reached', async () => {
    await expect(ensureDatabase('postgresql://postgres@127.0.0.1:1/hexbase')).rejects.toMatchObject({
      code: 'DATABASE_UNREACHABLE',
      message: expect.stringContaining('postgresql://postgres@127.0.0.1:1/hexbase'),
    });
  });
});
