import { HexbaseError } from '@hexbase/contracts';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm/schema_engine_bg';
import type pg from 'pg';
import { withClient } from './database-connection';
import { ensureSchema } from './ensure-database';
import { createEngineAdapterFactory, type EngineTarget } from './engine-adapter-factory';
import { discardSchemaEngine, isEnginePanic, lastPanicMessage, loadSchemaEngine } from './schema-engine-loader';
import { assertSchemaName } from './service-schema';

/** No table or enum is managed outside the migrations. */
export const NO_EXTERNAL_ENTITIES: SchemaFilter = { externalTables: [], externalEnums: [] };

/**
 * Runs `use` with a schema engine connected to `target` (creating the schema first when it is
 * missing), then frees the engine, closes its connections and drops any shadow database.
 * Engine failures become HexbaseErrors whose message is the engine's, without its Rust span trace.
 */
export async function withSchemaEngine<T>(target: EngineTarget & { datamodels?: [string, string][] }, use: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  assertSchemaName(target.schema);
  await withClient(target.databaseUrl, (client) => ensureSchema(client, target.schema));
  const glue = await loadSchemaEngine();
  let scriptError: pg.DatabaseError | undefined;
  const { factory, release } = createEngineAdapterFactory(target, (error) => {
    scriptError = error;
  });
  let engine: SchemaEngine | undefined;
  try {
    engine = await glue.SchemaEngine.new({ datamodels: target.datamodels }, () => {}, bindMigrationAwareSqlAdapterFactory(factory));
    return await use(engine);
  } catch (error) {
    throw engineError(error, scriptError);
  } finally {
    try {
      engine?.free();
    } catch {
      // A panicked engine cannot be freed; its instance is discarded below.
    }
    // A failed cleanup must not hide the outcome; a leftover shadow database is named <database>_shadow_<hex>.
    await release().catch(() => {});
  }
}

/**
 * Turns what the engine throws into a HexbaseError (HexbaseErrors pass through), naming the
 * migration it was applying and PostgreSQL's own message when a migration script failed.
 */
function engineError(error: unknown, scriptError: pg.DatabaseError | undefined): unknown {
  if (error instanceof HexbaseError) return error;
  if (isEnginePanic(error)) {
    discardSchemaEngine();
    return new HexbaseError('SCHEMA_ENGINE_PANIC', 'internal', `the schema engine crashed: ${lastPanicMessage()}`);
  }
  if (!(error instanceof Error)) return error;
  const prismaCode = (error as { code?: unknown }).code;
  const migration = /migration_name="([^"]+)"/.exec(error.message)?.[1];
  const reason = scriptError ? postgresMessage(scriptError) : withoutSpanTrace(error.message).replace(/^external connector error\n/, '');
  return new HexbaseError('SCHEMA_ENGINE_ERROR', 'internal', migration ? `migration ${migration}: ${reason}` : reason, [], {
    ...(typeof prismaCode === 'string' ? { prismaCode } : {}),
    ...(migration ? { migration } : {}),
  });
}

function postgresMessage(error: pg.DatabaseError): string {
  const details = [error.detail, error.hint && `hint: ${error.hint}`].filter(Boolean).join('; ');
  return `${error.message} (SQLSTATE ${error.code ?? 'unknown'})${details ? `: ${details}` : ''}`;
}

/** The engine appends "   0: module::function\n           at file.rs:12" lines to its messages. */
export function withoutSpanTrace(message: string): string {
  const trace = message.search(/\n\s+0: /);
  return (trace === -1 ? message : message.slice(0, trace)).trim();
}
