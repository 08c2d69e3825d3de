import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { assertSchemaName, quoteIdentifier } from './service-schema';

/** Pool settings a caller may tune; the URL and the search path are fixed by the helpers below. */
export type PoolSettings = Omit<pg.PoolConfig, 'connectionString' | 'options'>;

/**
 * pg connection settings whose sessions start with `search_path` = `schema` (sent in the
 * startup packet, so it holds for every pooled connection and for LISTEN clients alike).
 */
export function schemaConnectionConfig(databaseUrl: string, schema: string, settings: PoolSettings = {}): pg.PoolConfig {
  return {
    // Without a timeout a request waits forever for a connection while PostgreSQL is down.
    connectionTimeoutMillis: DEFAULT_CONNECTION_TIMEOUT_MS,
    ...settings,
    connectionString: databaseUrl,
    options: `-c search_path=${quoteIdentifier(assertSchemaName(schema))}`,
  };
}

export const DEFAULT_CONNECTION_TIMEOUT_MS = 2_000;

/** A `pg.Pool` for raw SQL (LISTEN/NOTIFY, hot paths) whose unqualified names resolve in `schema`. */
export function createPgPool(databaseUrl: string, schema: string, settings: PoolSettings = {}): pg.Pool {
  return new pg.Pool(schemaConnectionConfig(databaseUrl, schema, settings));
}

/**
 * The driver adapter for a service's generated Prisma client. PrismaPg's `schema` option makes
 * the client qualify every model table (`"records"."Record"`); without it the client writes
 * `"public"."Record"` whatever the search path. The search path is set as well, so
 * `$queryRaw` / `$executeRaw` with unqualified names reach the same schema.
 */
export function createPrismaAdapter(databaseUrl: string, schema: string, settings: PoolSettings = {}): PrismaPg {
  return new PrismaPg(schemaConnectionConfig(databaseUrl, schema, settings), { schema });
}
