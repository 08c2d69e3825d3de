import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { createTestDatabase, testServers } from '@hexbase/testing';
import type { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations } from './apply-migrations';
import fixtureConfig from './fixtures/widget-store/prisma.config';
import { fixtureService } from './fixtures/fixture-services';
import { generatePrismaClient } from './generate-prisma-client';
import { createPgPool, createPrismaAdapter } from './schema-connection';
import { serviceSchemaName } from './service-schema';

/** The slice of the generated widget-store client these tests use (it is generated, not checked in). */
interface WidgetClient {
  widget: {
    create(args: { data: { id: string; name: string; color?: string } }): Promise<{ id: string; name: string; color: string | null; createdAt: Date }>;
    findMany(): Promise<Array<{ id: string; name: string }>>;
  };
  $queryRawUnsafe<T>(sql: string): Promise<T>;
  $disconnect(): Promise<void>;
}
type WidgetClientConstructor = new (options: { adapter: PrismaPg }) => WidgetClient;

const widgetStore = fixtureService('widget-store');
const schema = serviceSchemaName('widget-store');
const otherSchema = 'other_widget_store';

let database: { url: string; drop(): Promise<void> };
let PrismaClient: WidgetClientConstructor;
let pool: pg.Pool;

beforeAll(async () => {
  const [testDatabase] = await Promise.all([
    createTestDatabase(testServers().databaseUrl, 'db_adapter'),
    generatePrismaClient({ schemaFile: widgetStore.schemaFile, configFile: widgetStore.configFile }),
  ]);
  database = testDatabase;
  await applyMigrations({ databaseUrl: database.url, schema, migrationsDir: widgetStore.migrationsDir });
  await applyMigrations({ databaseUrl: database.url, schema: otherSchema, migrationsDir: widgetStore.migrationsDir });
  ({ PrismaClient } = (await import(pathToFileURL(widgetStore.generatedClient).href)) as { PrismaClient: WidgetClientConstructor });
  pool = createPgPool(database.url, schema, { max: 2 });
});

afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

describe('createPrismaAdapter', () => {
  it('reads and writes the tables of its schema through a generated client', async () => {
    const prisma = new PrismaClient({ adapter: createPrismaAdapter(database.url, schema) });
    const other = new PrismaClient({ adapter: createPrismaAdapter(database.url, otherSchema) });
    try {
      const id = randomUUID();

      const created = await prisma.widget.create({ data: { id, name: 'cog', color: 'blue' } });

      expect(created).toMatchObject({ id, name: 'cog', color: 'blue' });
      expect(await prisma.widget.findMany()).toEqual([expect.objectContaining({ id, name: 'cog' })]);
      expect(await other.widget.findMany()).toEqual([]);
      const { rows } = await pool.query(`SELECT name FROM "${schema}"."widgets" WHERE id = $1`, [id]);
      expect(rows).toEqual([{ name: 'cog' }]);
      // Raw SQL through the client is unqualified and still lands in the schema.
      expect(await prisma.$queryRawUnsafe('SELECT current_schema() AS schema, count(*)::int AS widgets FROM widgets')).toEqual([{ schema, widgets: 1 }]);
    } finally {
      await Promise.all([prisma.$disconnect(), other.$disconnect()]);
    }
  });
});

describe('createPgPool', () => {
  it('resolves unqualified names in the service schema on every connection', async () => {
    const connections = await Promise.all([pool.connect(), pool.connect()]);
    try {
      for (const connection of connections) {
        const { rows } = await connection.query('SELECT current_schema() AS schema, to_regclass($1) IS NOT NULL AS found', ['widgets']);
        expect(rows).toEqual([{ schema, found: true }]);
      }
    } finally {
      connections.forEach((connection) => connection.release());
    }
  });
});

describe('the fixture prisma.config.ts', () => {
  it('points the native Prisma CLI at the service schema', () => {
    expect(new URL(fixtureConfig.datasource!.url!).searchParams.get('schema')).toBe(schema);
    expect(fixtureConfig.migrations?.path).toBe('prisma/migrations');
  });
});
