import { HexbaseError, isHexbaseError } from '@hexbase/contracts';

/** SQLSTATE classes and codes that mean "the database cannot serve now", not "this request is wrong". */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53400']);
const UNAVAILABLE_SQLSTATE_CLASSES = ['08'];
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);
const UNAVAILABLE_MESSAGES = [/timeout exceeded when trying to connect/i, /Connection terminated/i, /Client has encountered a connection error/i];

export const DATABASE_RETRY_AFTER_SECONDS = 2;

/** True when the error says PostgreSQL is down, restarting, or out of connections. */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_NODE_CODES.has(code)) return true;
    if (code.length === 5 && UNAVAILABLE_SQLSTATE_CLASSES.includes(code.slice(0, 2))) return true;
  }
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}

/**
 * Wraps every async method of a port backed by PostgreSQL so that an unavailable database is
 * answered as `DATABASE_UNAVAILABLE` (kind unavailable: 503 with Retry-After, or a retry for a
 * consumer) instead of an internal error. Other errors pass through unchanged.
 */
export function withDatabaseAvailability<Port extends object>(port: Port): Port {
  const wrapped: Record<string, unknown> = {};
  for (const key of Object.keys(port) as Array<keyof Port & string>) {
    const member = port[key];
    wrapped[key] =
      typeof member === 'function'
        ? async (...args: unknown[]) => {
            try {
              return await (member as (...a: unknown[]) => unknown).apply(port, args);
            } catch (error) {
              if (!isHexbaseError(error) && isDatabaseUnavailable(error)) {
                throw new HexbaseError('DATABASE_UNAVAILABLE', 'unavailable', 'the database is unavailable; retry shortly', [], { retryAfter: DATABASE_RETRY_AFTER_SECONDS });
              }
              throw error;
            }
          }
        : member;
  }
  return wrapped as Port;
}
