import { HexbaseError } from '@hexbase/contracts';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * The PostgreSQL schema that holds every table of a service, and its own `_prisma_migrations`:
 * the service name with dashes turned into underscores (`event-store` -> `event_store`).
 */
export function serviceSchemaName(service: string): string {
  return assertSchemaName(service.replace(/-/g, '_'));
}

/**
 * Returns `schema` when it is a plain lower-case identifier, so it can be written into
 * `search_path` and SQL without quoting surprises; throws INVALID_SCHEMA_NAME otherwise.
 */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new HexbaseError('INVALID_SCHEMA_NAME', 'validation', `"${schema}" is not a valid schema name: use lower-case letters, digits and underscores (at most 63)`);
  }
  return schema;
}

/** Double-quotes a PostgreSQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
