import { randomBytes } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { DriverAdapterError, type SqlDriverAdapter, type SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { withClient } from './database-connection';
import { databaseNameOf, withDatabase } from './database-url';
import { ensureSchema } from './ensure-database';
import { schemaConnectionConfig } from './schema-connection';
import { quoteIdentifier } from './service-schema';

const CHAR_OID = 18;
const TEXT_OID = 25;

/** Where the schema engine works: a database and the service schema inside it. */
export interface EngineTarget {
  databaseUrl: string;
  schema: string;
}

/**
 * The driver adapter factory handed to the WebAssembly schema engine, plus `release()`, which
 * closes every connection it opened and drops any shadow database left behind. It differs from
 * a bare PrismaPg in four ways the engine needs:
 * - one connection per database with `search_path` = the schema, like the native engine's
 *   single connection: the migrations table and unqualified migration SQL land in the schema,
 *   and the engine's advisory lock is held by the session that applies the migrations;
 * - a migration script runs as one simple query (one implicit transaction, `$$` bodies intact),
 *   where PrismaPg splits it on every `;`;
 * - shadow databases are created next to the target with the schema inside, and dropped after;
 * - catalog columns of type `"char"` are read as text (see `readCharColumnsAsText`).
 * `onScriptError` sees PostgreSQL's own error when a migration script fails (the engine reports
 * only a summary such as "No such table").
 */
export function createEngineAdapterFactory(
  target: EngineTarget,
  onScriptError: (error: pg.DatabaseError) => void = () => {},
): { factory: SqlMigrationAwareDriverAdapterFactory; release(): Promise<void> } {
  const cleanups = new Set<() => Promise<void>>();
  /** Registers a cleanup that runs once, whether the engine disposes first or `release()` does. */
  const once = (cleanup: () => Promise<void>) => {
    const run = async () => {
      if (cleanups.delete(run)) await cleanup();
    };
    cleanups.add(run);
    return run;
  };

  const connectTo = async (databaseUrl: string, afterClose: () => Promise<void> = async () => {}) => {
    const pool = new pg.Pool(schemaConnectionConfig(databaseUrl, target.schema, { max: 1, idleTimeoutMillis: 0 }));
    pool.on('error', () => {});
    readCharColumnsAsText(pool);
    const adapter = await new PrismaPg(pool, { schema: target.schema }).connect();
    const dispose = once(async () => {
      await pool.end();
      await afterClose();
    });
    return wholeScriptAdapter(adapter, pool, dispose, onScriptError);
  };

  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: 'postgres',
    adapterName: '@hexbase/db',
    connect: () => connectTo(target.databaseUrl),
    connectToShadowDb: async () => {
      const shadow = shadowDatabaseName(target.databaseUrl);
      const shadowUrl = withDatabase(target.databaseUrl, shadow);
      const maintenanceUrl = withDatabase(target.databaseUrl, 'postgres');
      const drop = () => withClient(maintenanceUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(shadow)} WITH (FORCE)`), target.databaseUrl).then(() => {});
      await withClient(maintenanceUrl, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(shadow)}`), target.databaseUrl);
      try {
        await withClient(shadowUrl, (client) => ensureSchema(client, target.schema));
        return await connectTo(shadowUrl, drop);
      } catch (error) {
        await drop();
        throw error;
      }
    },
  };

  const release = async () => {
    await Promise.all([...cleanups].map((run) => run()));
  };
  return { factory, release };
}

/** `<database>_shadow_<random>`, so a leftover is easy to trace back (and to find in tests). */
function shadowDatabaseName(databaseUrl: string): string {
  const suffix = `_shadow_${randomBytes(4).toString('hex')}`;
  return `${databaseNameOf(databaseUrl).slice(0, 63 - suffix.length)}${suffix}`;
}

function wholeScriptAdapter(adapter: SqlDriverAdapter, pool: pg.Pool, dispose: () => Promise<void>, onScriptError: (error: pg.DatabaseError) => void): SqlDriverAdapter {
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    queryRaw: (query) => adapter.queryRaw(query),
    executeRaw: (query) => adapter.executeRaw(query),
    startTransaction: (isolationLevel) => adapter.startTransaction(isolationLevel),
    getConnectionInfo: () => adapter.getConnectionInfo?.() ?? { supportsRelationJoins: true },
    executeScript: async (script) => {
      try {
        await pool.query(script);
      } catch (error) {
        if (!(error instanceof pg.DatabaseError)) throw error;
        onScriptError(error);
        throw postgresError(error);
      }
    },
    dispose,
  };
}

function postgresError(error: pg.DatabaseError): DriverAdapterError {
  return new DriverAdapterError({
    kind: 'postgres',
    code: error.code ?? 'unknown',
    severity: error.severity ?? 'ERROR',
    message: error.message,
    detail: error.detail,
    column: error.column,
    hint: error.hint,
  });
}

/**
 * The engine's catalog queries return `"char"` columns (`pg_constraint.contype`), a type
 * @prisma/adapter-pg 7.10 rejects ("Column type 'char' could not be deserialized"). Their
 * values are one-character strings, so they are reported as text.
 */
function readCharColumnsAsText(pool: pg.Pool): void {
  const query = pool.query.bind(pool) as (config: pg.QueryConfig | string) => Promise<pg.QueryResult>;
  const retyped = async (config: pg.QueryConfig | string) => {
    const result = await query(config);
    for (const field of result.fields ?? []) {
      if (field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
    }
    return result;
  };
  pool.query = retyped as typeof pool.query;
}
