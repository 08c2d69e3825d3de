import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { HexbaseError } from '@hexbase/contracts';
import type { DiffTarget, SchemaContainer } from '@prisma/schema-engine-wasm/schema_engine_bg';
import { ensureDatabase } from './ensure-database';
import { ensureMigrationsDirectory, MIGRATION_FILE, readMigrationsDirectory } from './migrations-directory';
import { NO_EXTERNAL_ENTITIES, withSchemaEngine } from './schema-engine';

export interface CreateMigrationOptions {
  databaseUrl: string;
  schema: string;
  /** `schema.prisma`, or a folder of `.prisma` files (multi-file schema). */
  schemaFile: string;
  migrationsDir: string;
  /** Free text; becomes the `<name>` in `<timestamp>_<name>` (lower case, underscores). */
  name: string;
  /** Clock for the timestamp; defaults to now. */
  now?: Date;
}

/**
 * Writes `<migrationsDir>/<timestamp>_<name>/migration.sql` with the SQL that takes a database
 * from the existing migrations to the datamodel, and returns that file's path; returns
 * undefined, writing nothing, when the migrations already match the datamodel. The existing
 * migrations are replayed in a temporary shadow database on the server of `databaseUrl`
 * (dropped afterwards); the database itself is created if missing but not changed otherwise.
 * The SQL is unqualified, as `prisma migrate dev` writes it, and meant for `schema`.
 */
export async function createMigration(options: CreateMigrationOptions): Promise<string | undefined> {
  const slug = migrationSlug(options.name);
  const files = await readSchemaFiles(options.schemaFile);
  const migrations = await readMigrationsDirectory(options.migrationsDir);
  const from: DiffTarget =
    migrations.migrationDirectories.length === 0
      ? { tag: 'empty' }
      : { tag: 'migrations', ...migrations, lockfile: { ...migrations.lockfile, content: migrations.lockfile.content ?? 'provider = "postgresql"\n' } };

  await ensureDatabase(options.databaseUrl);
  const script = await withSchemaEngine({ databaseUrl: options.databaseUrl, schema: options.schema, datamodels: files.map((file) => [file.path, file.content]) }, async (engine) => {
    const diff = await engine.diff({ from, to: { tag: 'schemaDatamodel', files }, script: true, exitCode: true, filters: NO_EXTERNAL_ENTITIES });
    return diff.exitCode === 0 ? undefined : (diff.stdout ?? '');
  });
  if (script === undefined) return undefined;

  await ensureMigrationsDirectory(options.migrationsDir);
  const existing = migrations.migrationDirectories.map((migration) => migration.path);
  const directory = join(resolve(options.migrationsDir), `${nextTimestamp(options.now ?? new Date(), existing)}_${slug}`);
  await mkdir(directory);
  const file = join(directory, MIGRATION_FILE);
  await writeFile(file, script);
  return file;
}

/** `Add records!` -> `add_records`; what a migration folder name may contain. */
export function migrationSlug(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 200);
  if (slug === '') throw new HexbaseError('INVALID_MIGRATION_NAME', 'validation', `"${name}" cannot name a migration: use letters and digits`);
  return slug;
}

/** Prisma's `YYYYMMDDHHMMSS` (UTC), moved past the newest existing migration so the order holds. */
export function nextTimestamp(now: Date, existing: string[]): string {
  const latest = existing
    .map((name) => /^(\d{14})_/.exec(name)?.[1])
    .filter((stamp): stamp is string => stamp !== undefined)
    .sort()
    .at(-1);
  let stamp = formatTimestamp(now);
  if (latest !== undefined && stamp <= latest) stamp = formatTimestamp(new Date(parseTimestamp(latest).getTime() + 1000));
  return stamp;
}

function formatTimestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}

function parseTimestamp(stamp: string): Date {
  const [, y, mo, d, h, mi, s] = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(stamp)!;
  return new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
}

async function readSchemaFiles(schemaFile: string): Promise<SchemaContainer[]> {
  const path = resolve(schemaFile);
  const info = await stat(path).catch(() => {
    throw new HexbaseError('SCHEMA_FILE_NOT_FOUND', 'not_found', `no Prisma schema at ${schemaFile}`);
  });
  const paths = info.isDirectory()
    ? (await readdir(path, { recursive: true })).filter((file) => file.endsWith('.prisma')).sort().map((file) => join(path, file))
    : [path];
  return Promise.all(paths.map(async (file) => ({ path: file, content: await readFile(file, 'utf8') })));
}
