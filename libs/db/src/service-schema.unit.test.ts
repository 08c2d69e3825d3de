import { describe, expect, it } from 'vitest';
import { redactDatabaseUrl, withDatabase } from './database-url';
import { schemaConnectionConfig } from './schema-connection';
import { serviceSchemaName } from './service-schema';

describe('serviceSchemaName', () => {
  it('turns the dashes of a service name into underscores', () => {
    expect(serviceSchemaName('event-store')).toBe('event_store');
    expect(serviceSchemaName('records')).toBe('records');
  });

  it('refuses names that are not plain lower-case identifiers', () => {
    expect(() => serviceSchemaName('Records')).toThrow(/not a valid schema name/);
    expect(() => serviceSchemaName('a"; DROP SCHEMA x; --')).toThrow(/not a valid schema name/);
    expect(() => serviceSchemaName('x'.repeat(64))).toThrow(/not a valid schema name/);
  });
});

describe('connection settings', () => {
  it('start every session with the service schema as search path', () => {
    expect(schemaConnectionConfig('postgresql://postgres@127.0.0.1:5432/hexbase', 'event_store', { max: 3 })).toEqual({
      connectionString: 'postgresql://postgres@127.0.0.1:5432/hexbase',
      options: '-c search_path="event_store"',
      connectionTimeoutMillis: 2000,
      max: 3,
    });
  });

  it('give up on a connection after a bounded time unless told otherwise', () => {
    expect(schemaConnectionConfig('postgresql://postgres@127.0.0.1:5432/hexbase', 'records', { connectionTimeoutMillis: 500 }).connectionTimeoutMillis).toBe(500);
  });

  it('keep passwords out of messages and switch databases on the same server', () => {
    expect(redactDatabaseUrl('postgresql://app:s3cret@db:5432/hexbase')).toBe('postgresql://app:***@db:5432/hexbase');
    expect(withDatabase('postgresql://app:s3cret@db:5432/hexbase?sslmode=require', 'postgres')).toBe('postgresql://app:s3cret@db:5432/postgres?sslmode=require');
  });
});
