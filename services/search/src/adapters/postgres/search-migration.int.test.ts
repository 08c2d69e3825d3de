import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, testServers } from '@hexbase/testing';
import { migrateSearch } from '../../test-support';

const databases: Array<{ drop(): Promise<void> }> = [];
afterEach(async () => {
  while (databases.length > 0) await databases.pop()!.drop();
});

async function database(label: string, setup: string) {
  const created = await createTestDatabase(testServers().databaseUrl, label);
  databases.push(created);
  const client = new pg.Client({ connectionString: created.url });
  await client.connect();
  try {
    await client.query(setup);
  } finally {
    await client.end();
  }
  return created.url;
}

describe('the search migration and pg_trgm', () => {
  it('installs pg_trgm in public, or uses it there when another service installed it first', async () => {
    const url = await database('search_trgm_shared', 'CREATE EXTENSION pg_trgm WITH SCHEMA public');
    await migrateSearch(url);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ schema: string }>(`SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'`);
      expect(rows).toEqual([{ schema: 'public' }]);
      const { rows: index } = await client.query<{ definition: string }>(`SELECT indexdef AS definition FROM pg_indexes WHERE schemaname = 'search' AND indexname = 'lexicon_word_trgm_idx'`);
      expect(index[0]!.definition).toContain('gin_trgm_ops');
    } finally {
      await client.end();
    }
  });

  it('refuses, saying what to do, when pg_trgm lives in another schema', async () => {
    const url = await database('search_trgm_elsewhere', 'CREATE SCHEMA extensions; CREATE EXTENSION pg_trgm WITH SCHEMA extensions');
    await expect(migrateSearch(url)).rejects.toThrow(/pg_trgm is installed in schema "extensions".*ALTER EXTENSION pg_trgm SET SCHEMA public/s);
  });
});
