import { createHash } from 'node:crypto';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTestDatabase, testServers } from '@hexbase/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from './apply-migrations';
import { copyMigrations, fixtureService, scratchDirectory } from './fixtures/fixture-services';
import { createPgPool } from './schema-connection';
import { withSchemaEngine } from './schema-engine';
import { serviceSchemaName } from './service-schema';

const widgetStore = fixtureService('widget-store');
const gadgets = fixtureService('gadgets');

let database: { url: string; drop(): Promise<void> };
let client: pg.Client;
const scratches: Array<{ remove(): Promise<void> }> = [];

beforeAll(async () => {
  database = await createTestDatabase(testServers().databaseUrl, 'db_apply');
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});

afterEach(async () => {
  await Promise.all(scratches.splice(0).map((scratch) => scratch.remove()));
});

afterAll(async () => {
  await client.end();
  await database.drop();
});

async function scratch(): Promise<string> {
  const directory = await scratchDirectory();
  scratches.push(directory);
  return directory.dir;
}

async function tablesIn(schema: string): Promise<string[]> {
  const { rows } = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1", [schema]);
  return rows.map((row) => row.table_name);
}

async function history(schema: string) {
  const { rows } = await client.query(`SELECT * FROM "${schema}"._prisma_migrations ORDER BY migration_name`);
  return rows as Array<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null; logs: string | null; applied_steps_count: number }>;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

describe('applyMigrations', () => {
  it('applies the migrations into the service schema and records them as prisma migrate deploy does', async () => {
    const schema = 'apply_first';

    const result = await applyMigrations({ databaseUrl: database.url, schema, migrationsDir: widgetStore.migrationsDir });

    expect(result.applied).toEqual(['20250101000000_init', '20250102000000_add_color']);
    expect(await tablesIn(schema)).toEqual(['_prisma_migrations', 'widgets']);
    expect(await tablesIn('public')).toEqual([]);
    const { rows: columns } = await client.query("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = '_prisma_migrations' ORDER BY ordinal_position", [schema]);
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying' },
      { column_name: 'checksum', data_type: 'character varying' },
      { column_name: 'finished_at', data_type: 'timestamp with time zone' },
      { column_name: 'migration_name', data_type: 'character varying' },
      { column_name: 'logs', data_type: 'text' },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone' },
      { column_name: 'started_at', data_type: 'timestamp with time zone' },
      { column_name: 'applied_steps_count', data_type: 'integer' },
    ]);
    const rows = await history(schema);
    expect(rows.map((row) => row.migration_name)).toEqual(result.applied);
    for (const row of rows) {
      expect(row.checksum).toBe(sha256(await readFile(join(widgetStore.migrationsDir, row.migration_name, 'migration.sql'), 'utf8')));
      expect(row).toMatchObject({ rolled_back_at: null, logs: null, applied_steps_count: 1 });
      expect(row.finished_at).toBeInstanceOf(Date);
    }
  });

  it('applies nothing when run again', async () => {
    const schema = 'apply_twice';
    await applyMigrations({ databaseUrl: database.url, schema, migrationsDir: widgetStore.migrationsDir });

    const again = await applyMigrations({ databaseUrl: database.url, schema, migrationsDir: widgetStore.migrationsDir });

    expect(again.applied).toEqual([]);
    expect(await history(schema)).toHaveLength(2);
  });

  it('applies only the migrations added since the last run', async () => {
    const schema = 'apply_incremental';
    const dir = await scratch();
    await copyMigrations('widget-store', dir, 1);
    expect((await applyMigrations({ databaseUrl: database.url, schema, migrationsDir: dir })).applied).toEqual(['20250101000000_init']);
    await copyMigrations('widget-store', dir);

    const next = await applyMigrations({ databaseUrl: database.url, schema, migrationsDir: dir });

    expect(next.applied).toEqual(['20250102000000_add_color']);
    const { rows } = await client.query("SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'widgets' AND column_name = 'color'", [schema]);
    expect(rows).toHaveLength(1);
  });

  it('keeps the histories of two services apart in one database', async () => {
    const shared = await createTestDatabase(testServers().databaseUrl, 'db_two_services');
    const pool = createPgPool(shared.url, serviceSchemaName('gadgets'), { max: 2 });
    const inspect = new pg.Client({ connectionString: shared.url });
    await inspect.connect();
    try {
      const widgets = await applyMigrations({ databaseUrl: shared.url, schema: serviceSchemaName('widget-store'), migrationsDir: widgetStore.migrationsDir });
      const gadgetMigrations = await applyMigrations({ databaseUrl: shared.url, schema: serviceSchemaName('gadgets'), migrationsDir: gadgets.migrationsDir });

      expect(widgets.applied).toEqual(['20250101000000_init', '20250102000000_add_color']);
      expect(gadgetMigrations.applied).toEqual(['20250101000000_init']);
      const names = async (schema: string) => (await inspect.query(`SELECT migration_name FROM "${schema}"._prisma_migrations ORDER BY 1`)).rows.map((row) => row.migration_name);
      expect(await names('widget_store')).toEqual(['20250101000000_init', '20250102000000_add_color']);
      expect(await names('gadgets')).toEqual(['20250101000000_init']);
      const { rows } = await inspect.query("SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema IN ('public', 'widget_store', 'gadgets') ORDER BY 1, 2");
      expect(rows).toEqual([
        { table_schema: 'gadgets', table_name: '_prisma_migrations' },
        { table_schema: 'gadgets', table_name: 'gadgets' },
        { table_schema: 'widget_store', table_name: '_prisma_migrations' },
        { table_schema: 'widget_store', table_name: 'widgets' },
      ]);

      // The gadgets trigger function (semicolons inside $$) arrived whole: inserts notify listeners.
      const listener = await pool.connect();
      try {
        await listener.query('LISTEN gadgets');
        const notified = new Promise<string | undefined>((resolve) => listener.once('notification', (message) => resolve(message.payload)));
        const { rows: inserted } = await pool.query<{ id: string }>("INSERT INTO gadgets (name) VALUES ('sprocket') RETURNING id");
        expect(await notified).toBe(inserted[0]!.id);
      } finally {
        listener.release();
      }
    } finally {
      await inspect.end();
      await pool.end();
      await shared.drop();
    }
  });

  it('refuses to run when an applied migration was edited, and applies nothing else', async () => {
    const schema = 'apply_edited';
    const dir = await scratch();
    await copyMigrations('widget-store', dir);
    await applyMigrations({ databaseUrl: database.url, schema, migrationsDir: dir });
    await appendFile(join(dir, '20250101000000_init/migration.sql'), '\n-- changed after it was applied\n');
    await mkdir(join(dir, '20250103000000_more'));
    await writeFile(join(dir, '20250103000000_more/migration.sql'), 'CREATE TABLE "more" ("id" INTEGER);\n');

    const refusal = applyMigrations({ databaseUrl: database.url, schema, migrationsDir: dir });

    await expect(refusal).rejects.toMatchObject({ code: 'MIGRATION_EDITED', message: expect.stringContaining('20250101000000_init') });
    expect(await tablesIn(schema)).toEqual(['_prisma_migrations', 'widgets']);
  });

  it('rolls a failing migration back as a whole and refuses to go on until it is resolved', async () => {
    const schema = 'apply_failing';
    const dir = await scratch();
    await copyMigrations('gadgets', dir);
    await mkdir(join(dir, '20250102000000_broken'));
    await writeFile(join(dir, '20250102000000_broken/migration.sql'), 'CREATE TABLE "half" ("id" INTEGER);\nSELECT * FROM "no_such_table";\n');

    const failure = applyMigrations({ databaseUrl: database.url, schema, migrationsDir: dir });

    await expect(failure).rejects.toMatchObject({
      code: 'MIGRATION_FAILED',
      message: expect.stringContaining('migration 20250102000000_broken: relation "no_such_table" does not exist (SQLSTATE 42P01)'),
    });
    expect(await tablesIn(schema)).toEqual(['_prisma_migrations', 'gadgets']);
    const rows = await history(schema);
    expect(rows.map((row) => [row.migration_name, row.finished_at === null])).toEqual([
      ['20250101000000_init', false],
      ['20250102000000_broken', true],
    ]);
    await expect(applyMigrations({ databaseUrl: database.url, schema, migrationsDir: dir })).rejects.toMatchObject({
      code: 'MIGRATION_FAILED',
      message: expect.stringContaining('20250102000000_broken failed in an earlier run'),
    });
  });

  it('applies each migration once when two runs race', async () => {
    const schema = 'apply_race';
    const run = () => applyMigrations({ databaseUrl: database.url, schema, migrationsDir: widgetStore.migrationsDir });

    const [first, second] = await Promise.all([run(), run()]);

    expect([...first.applied, ...second.applied].sort()).toEqual(['20250101000000_init', '20250102000000_add_color']);
    expect(await history(schema)).toHaveLength(2);
  });

  it('names the database when PostgreSQL cannot be reached', async () => {
    const unreachable = 'postgresql://postgres:secret@127.0.0.1:1/hexbase';

    const failure = applyMigrations({ databaseUrl: unreachable, schema: 'records', migrationsDir: widgetStore.migrationsDir });

    await expect(failure).rejects.toMatchObject({ code: 'DATABASE_UNREACHABLE', message: expect.stringContaining('postgresql://postgres:***@127.0.0.1:1/hexbase') });
  });

  it('reports an engine panic and works again afterwards', async () => {
    const schema = 'apply_after_panic';

    const panic = withSchemaEngine({ databaseUrl: database.url, schema }, async (engine) => engine.debugPanic());

    await expect(panic).rejects.toMatchObject({ code: 'SCHEMA_ENGINE_PANIC', message: expect.stringContaining('artificial panic') });
    const result = await applyMigrations({ databaseUrl: database.url, schema, migrationsDir: widgetStore.migrationsDir });
    expect(result.applied).toHaveLength(2);
  });
});
