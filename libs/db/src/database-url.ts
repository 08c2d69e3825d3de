import { HexbaseError } from '@hexbase/contracts';

/** The database a connection URL names (its path), decoded. */
export function databaseNameOf(databaseUrl: string): string {
  const name = decodeURIComponent(parseDatabaseUrl(databaseUrl).pathname.slice(1));
  if (name === '') {
    throw new HexbaseError('INVALID_DATABASE_URL', 'validation', `${redactDatabaseUrl(databaseUrl)} names no database (expected postgresql://user@host:port/<database>)`);
  }
  return name;
}

/** The same URL pointing at another database on the same server. */
export function withDatabase(databaseUrl: string, database: string): string {
  const url = parseDatabaseUrl(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** The URL with its password replaced by `***`, for messages and logs. */
export function redactDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<unparseable database URL>';
  }
}

function parseDatabaseUrl(databaseUrl: string): URL {
  try {
    return new URL(databaseUrl);
  } catch {
    throw new HexbaseError('INVALID_DATABASE_URL', 'validation', 'the database URL is not a valid URL (expected postgresql://user@host:port/<database>)');
  }
}
