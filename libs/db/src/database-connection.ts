import { HexbaseError } from '@hexbase/contracts';
import pg from 'pg';
import { databaseNameOf, redactDatabaseUrl } from './database-url';

const CONNECT_TIMEOUT_MS = 5_000;
/** Socket errors and "the database system is starting up / shutting down". */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'EPIPE', '57P01', '57P03']);

/**
 * Opens a client on `databaseUrl`, runs `use`, and closes it. Failing to connect becomes a
 * HexbaseError that names the (redacted) URL: DATABASE_UNREACHABLE when no server answers,
 * DATABASE_NOT_FOUND when the server answers but the database does not exist.
 */
export async function withClient<T>(databaseUrl: string, use: (client: pg.Client) => Promise<T>, reportedUrl = databaseUrl): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw connectionError(error, databaseUrl, reportedUrl);
  }
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** True for the error `withClient` throws when no PostgreSQL server answers. */
export function isDatabaseUnreachable(error: unknown): error is HexbaseError {
  return error instanceof HexbaseError && error.code === 'DATABASE_UNREACHABLE';
}

/**
 * Translates an error raised while connecting to `databaseUrl`, naming `reportedUrl` (the URL the
 * caller knows about) in the message; other errors are returned unchanged.
 */
export function connectionError(error: unknown, databaseUrl: string, reportedUrl = databaseUrl): unknown {
  const code = errorCode(error);
  const url = redactDatabaseUrl(reportedUrl);
  if (code === '3D000') {
    return new HexbaseError('DATABASE_NOT_FOUND', 'not_found', `database "${databaseNameOf(databaseUrl)}" does not exist on the server of ${url}`, [], { databaseUrl: url });
  }
  if ((code !== undefined && UNREACHABLE_CODES.has(code)) || /timeout|terminated unexpectedly/i.test(errorMessage(error))) {
    return new HexbaseError('DATABASE_UNREACHABLE', 'unavailable', `cannot reach PostgreSQL at ${url} (${errorMessage(error)})`, [], { databaseUrl: url, retryAfter: 5 });
  }
  return error;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Node reports a refused `localhost` (both ::1 and 127.0.0.1) as an AggregateError with an empty message. */
function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') return error.errors.map(errorMessage).join('; ');
  if (error instanceof Error) return error.message || errorCode(error) || error.name;
  return String(error);
}
