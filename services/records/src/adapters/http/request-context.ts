import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HexbaseError } from '@hexbase/contracts';
import { currentTraceparent } from '@hexbase/observability';
import { tenantOf } from '@hexbase/http';
import type { IdempotentRequest, WriteContext } from '../../application/ports';

export { tenantOf };

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function writeContextOf(request: FastifyRequest): WriteContext {
  const context: WriteContext = { tenantId: tenantOf(request), correlationId: header(request, 'x-correlation-id') ?? request.id };
  const traceparent = currentTraceparent() ?? header(request, 'traceparent');
  if (traceparent) context.traceparent = traceparent;
  const causation = header(request, 'x-causation-id');
  if (causation) context.causationId = causation;
  return context;
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The request's Idempotency-Key with a fingerprint of what it asks for, or undefined. */
export function idempotencyOf(request: FastifyRequest): IdempotentRequest | undefined {
  const key = header(request, 'idempotency-key');
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new HexbaseError('INVALID_IDEMPOTENCY_KEY', 'validation', 'the Idempotency-Key header is malformed', [
      { field: '/headers/idempotency-key', rule: 'pattern', message: '1 to 255 visible ASCII characters' },
    ]);
  }
  const fingerprint = createHash('sha256')
    .update(`${request.method} ${request.url}\n${header(request, 'if-match') ?? ''}\n${JSON.stringify(request.body ?? null)}`)
    .digest('base64url');
  return { key, fingerprint };
}

/** The version an If-Match header requires (`"3"` or `W/"3"`); undefined when absent or `*`. */
export function expectedVersionOf(request: FastifyRequest): number | undefined {
  const value = header(request, 'if-match');
  if (value === undefined || value.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"(\d{1,9})"\s*$/.exec(value);
  if (!match) {
    throw new HexbaseError('INVALID_IF_MATCH', 'validation', 'If-Match must be an ETag this API returned, such as "3"', [
      { field: '/headers/if-match', rule: 'etag', message: 'a quoted version number, e.g. "3"' },
    ]);
  }
  return Number(match[1]);
}

export function etagFor(version: number): string {
  return `"${version}"`;
}

/** True when If-None-Match names the current version (or is `*`): the client's copy is fresh. */
export function notModified(request: FastifyRequest, version: number): boolean {
  const value = header(request, 'if-none-match');
  if (!value) return false;
  return value.trim() === '*' || value.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etagFor(version));
}
