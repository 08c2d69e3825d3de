import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createTestDatabase, testServers } from '@hexbase/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from './apply-migrations';
import { createMigration } from './create-migration';
import { databaseNameOf } from './database-url';
import { copyMigrations, fixtureService, scratchDirectory } from './fixtures/fixture-services';

const widgetStore = fixtureService('widget-store');
const schema = 'widget_store';

let database: { url: string; drop(): Promise<void> };
const scratches: Array<{ remove(): Promise<void> }> = [];

beforeAll(async () => {
  database = await createTestDatabase(testServers().databaseUrl, 'db_create');
});

afterEach(async () => {
  await Promise.all(scratches.splice(0).map((scratch) => scratch.remove()));
});

afterAll(async () => {
  await database.drop();
});

async function scratch(): Promise<string> {
  const directory = await scratchDirectory();
  scratches.push(directory);
  return directory.dir;
}

/** The widget-store datamodel with one more model. */
async function schemaWithGizmos(dir: string): Promise<string> {
  const file = join(dir, 'schema.prisma');
  const datamodel = await readFile(widgetStore.schemaFile, 'utf8');
  await writeFile(file, `${datamodel}\nmodel Gizmo {\n  id    Int    @id @default(autoincrement())\n  label String @unique\n\n  @@map("gizmos")\n}\n`);
  return file;
}

describe('createMigration', () => {
  it('writes nothing when the migrations already match the datamodel', async () => {
    const migrationsDir = await scratch();
    await copyMigrations('widget-store', migrationsDir);

    const file = await createMigration({ databaseUrl: database.url, schema, schemaFile: widgetStore.schemaFile, migrationsDir, name: 'nothing' });

    expect(file).toBeUndefined();
    expect((await readdir(migrationsDir)).sort()).toEqual(['20250101000000_init', '20250102000000_add_color', 'migration_lock.toml']);
  });

  it('writes the SQL that takes the existing migrations to a changed datamodel', async () => {
    const dir = await scratch();
    const migrationsDir = join(dir, 'migrations');
    await mkdir(migrationsDir);
    await copyMigrations('widget-store', migrationsDir);
    const schemaFile = await schemaWithGizmos(dir);

    const file = await createMigration({ databaseUrl: database.url, schema, schemaFile, migrationsDir, name: 'Add gizmos', now: new Date('2025-02-03T04:05:06Z') });

    expect(file).toBe(join(migrationsDir, '20250203040506_add_gizmos', 'migration.sql'));
    const sql = await readFile(file!, 'utf8');
    expect(sql).toContain('CREATE TABLE "gizmos"');
    expect(sql).toContain('CREATE UNIQUE INDEX "gizmos_label_key" ON "gizmos"("label")');
    expect(sql).not.toContain('"widgets"');
    // The new migration applies, and afterwards the datamodel needs nothing more.
    const applied = await applyMigrations({ databaseUrl: database.url, schema: 'gizmo_check', migrationsDir });
    expect(applied.applied.at(-1)).toBe('20250203040506_add_gizmos');
    expect(await createMigration({ databaseUrl: database.url, schema, schemaFile, migrationsDir, name: 'again' })).toBeUndefined();
  });

  it('starts an empty migrations folder with the whole datamodel and a lockfile', async () => {
    const migrationsDir = join(await scratch(), 'migrations');

    const file = await createMigration({ databaseUrl: database.url, schema, schemaFile: widgetStore.schemaFile, migrationsDir, name: 'init' });

    expect(basename(dirname(file!))).toMatch(/^\d{14}_init$/);
    expect(await readFile(file!, 'utf8')).toContain('CREATE TABLE "widgets"');
    expect(await readFile(join(migrationsDir, 'migration_lock.toml'), 'utf8')).toContain('provider = "postgresql"');
  });

  it('leaves no shadow database behind', async () => {
    const dir = await scratch();
    await copyMigrations('widget-store', dir);
    const schemaFile = await schemaWithGizmos(dir);
    await createMigration({ databaseUrl: database.url, schema, schemaFile, migrationsDir: dir, name: 'gizmos' });

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${databaseNameOf(database.url)}_shadow_%`]);
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
