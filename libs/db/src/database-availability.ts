import { HexbaseError, isHexbaseError } from '@hexbase/contracts';

/** SQLSTATE classes and codes that mean "the database cannot serve now", not "this request is wrong". */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53400']);
const UNAVAILABLE_SQLSTATE_CLASSES = ['08'];
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);
/** Prisma's codes for an unreachable server, a lost connection and an exhausted pool. */
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const UNAVAILABLE_MESSAGES = [/timeout exceeded when trying to connect/i, /Connection terminated/i, /Client has encountered a connection error/i];

export const DATABASE_RETRY_AFTER_SECONDS = 2;

/** True when the error says PostgreSQL is down, restarting, or out of connections. */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_NODE_CODES.has(code) || UNAVAILABLE_PRISMA_CODES.has(code)) return true;
    if (code.length === 5 && UNAVAILABLE_SQLSTATE_CLASSES.includes(code.slice(0, 2))) return true;
  }
  const message = (error as { message?: unknown }).message;
  if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  // Driver adapters wrap the pg error they got.
  return isDatabaseUnavailable((error as { cause?: unknown }).cause, depth + 1);
}

/**
 * Wraps every method of a port backed by PostgreSQL so that an unavailable database is answered
 * as `DATABASE_UNAVAILABLE` (kind unavailable: 503 with Retry-After, or a retry for a consumer)
 * instead of an internal error. Other errors, synchronous methods and other properties pass
 * through unchanged; plain objects and class instances alike.
 */
export function withDatabaseAvailability<Port extends object>(port: Port): Port {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(port, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || typeof key === 'symbol' || key === 'constructor') return value;
      if (!wrapped.has(key)) {
        const method = value as (...args: unknown[]) => unknown;
        wrapped.set(key, (...args: unknown[]) => {
          const result = method.apply(target, args);
          return result instanceof Promise ? result.catch(rethrowUnavailable) : result;
        });
      }
      return wrapped.get(key);
    },
  });
}

function rethrowUnavailable(error: unknown): never {
  if (!isHexbaseError(error) && isDatabaseUnavailable(error)) {
    throw new HexbaseError('DATABASE_UNAVAILABLE', 'unavailable', 'the database is unavailable; retry shortly', [], { retryAfter: DATABASE_RETRY_AFTER_SECONDS });
  }
  throw error;
}
