import { HexbaseError } from '@hexbase/contracts';
import { readMigrationsDirectory } from './migrations-directory';
import { NO_EXTERNAL_ENTITIES, withSchemaEngine } from './schema-engine';

export interface ApplyMigrationsOptions {
  databaseUrl: string;
  /** The service schema: tables and `_prisma_migrations` live there. */
  schema: string;
  /** A standard Prisma migrations folder (`<timestamp>_<name>/migration.sql`). */
  migrationsDir: string;
}

/**
 * Applies the migrations of `migrationsDir` that `<schema>._prisma_migrations` does not list
 * yet, in name order, with the WebAssembly schema engine: the same rows, checksums and advisory
 * lock as `prisma migrate deploy`, so either can take over from the other. Creates the schema
 * when it is missing; applying twice applies nothing the second time. Refuses to run
 * (MIGRATION_EDITED) when an applied migration's file has changed since, and
 * (MIGRATION_FAILED) when an earlier attempt failed and was not resolved. Each migration runs
 * in one transaction unless its SQL manages transactions itself.
 */
export async function applyMigrations(options: ApplyMigrationsOptions): Promise<{ applied: string[] }> {
  const migrationsList = await readMigrationsDirectory(options.migrationsDir);
  if (migrationsList.migrationDirectories.length === 0) return { applied: [] };
  try {
    return await withSchemaEngine(options, async (engine) => {
      const history = await engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_EXTERNAL_ENTITIES });
      if (history.editedMigrationNames.length > 0) {
        throw new HexbaseError(
          'MIGRATION_EDITED',
          'conflict',
          `${history.editedMigrationNames.join(', ')} in ${options.migrationsDir} changed after it was applied to schema "${options.schema}" (its checksum no longer matches ${options.schema}._prisma_migrations). Restore the applied file and put the change in a new migration.`,
          [],
          { migrations: history.editedMigrationNames },
        );
      }
      if (history.failedMigrationNames.length > 0) {
        throw failedMigration(history.failedMigrationNames, options.schema);
      }
      const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_EXTERNAL_ENTITIES });
      return { applied: appliedMigrationNames };
    });
  } catch (error) {
    if (!(error instanceof HexbaseError) || error.code !== 'SCHEMA_ENGINE_ERROR') throw error;
    throw new HexbaseError('MIGRATION_FAILED', 'internal', `applying the migrations of schema "${options.schema}" failed: ${error.message}`, [], error.extensions);
  }
}

function failedMigration(names: string[], schema: string): HexbaseError {
  return new HexbaseError(
    'MIGRATION_FAILED',
    'conflict',
    `${names.join(', ')} failed in an earlier run and is still marked as started in ${schema}._prisma_migrations. Fix the database by hand, then delete that row (or run \`prisma migrate resolve --rolled-back <name>\` where the native engine is available) and migrate again.`,
    [],
    { migrations: names },
  );
}
