import type pg from 'pg';
import { withClient } from './database-connection';
import { databaseNameOf, withDatabase } from './database-url';
import { quoteIdentifier } from './service-schema';

/** duplicate_database, and the catalog's unique index when two CREATE DATABASE race. */
const ALREADY_EXISTS = new Set(['42P04', '23505']);

/**
 * Creates the database named in `databaseUrl` unless it exists, connecting to the server's
 * `postgres` database (`template1` when that one is missing). Idempotent, and safe when
 * several processes call it at once: losing the race to create it counts as success.
 */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const database = databaseNameOf(databaseUrl);
  try {
    await withClient(withDatabase(databaseUrl, 'postgres'), (client) => createIfMissing(client, database), databaseUrl);
  } catch (error) {
    if ((error as { code?: string }).code !== 'DATABASE_NOT_FOUND') throw error;
    await withClient(withDatabase(databaseUrl, 'template1'), (client) => createIfMissing(client, database), databaseUrl);
  }
}

async function createIfMissing(client: pg.Client, database: string): Promise<void> {
  const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
  if (existing.rowCount) return;
  try {
    await client.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
  } catch (error) {
    if (!ALREADY_EXISTS.has((error as { code?: string }).code ?? '')) throw error;
  }
}

/** Creates `schema` in the database unless it exists; as race-safe as `ensureDatabase`. */
export async function ensureSchema(client: pg.Client, schema: string): Promise<void> {
  const existing = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (existing.rowCount) return;
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
  } catch (error) {
    if (!['42P06', '23505'].includes((error as { code?: string }).code ?? '')) throw error;
  }
}
