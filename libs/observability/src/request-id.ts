import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { globalPlugin } from './global-plugin';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Ids a client or proxy may choose: short, and safe to put in logs and headers. */
const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function isWellFormedRequestId(value: unknown): value is string {
  return typeof value === 'string' && WELL_FORMED_REQUEST_ID.test(value);
}

/** The caller's `x-request-id` when well-formed, otherwise a new UUID. */
export function requestIdFor(request: Pick<IncomingMessage, 'headers'>): string {
  const header = request.headers[REQUEST_ID_HEADER];
  return isWellFormedRequestId(header) ? header : randomUUID();
}

/** The request logger's field for the request id (Fastify's `requestIdLogLabel`). */
export const REQUEST_ID_LOG_LABEL = 'requestId';

/**
 * Fastify server options for request ids. Ids are chosen when Fastify creates the request, so
 * these go into the `fastify({...})` call, with `REQUEST_ID_LOG_LABEL` given to its log
 * controller; `requestIdPlugin` then echoes the id.
 */
export const requestIdServerOptions = {
  genReqId: requestIdFor,
  requestIdHeader: false,
} as const;

/** Echoes the request id on every response, errors and 404s included. */
export const requestIdPlugin = globalPlugin('hexbase-request-id', async (app) => {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
});
