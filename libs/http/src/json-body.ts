import type { FastifyInstance } from 'fastify';

/** `application/merge-patch+json` (RFC 7396), `application/problem+json`, `application/cloudevents+json`... */
export const STRUCTURED_JSON_MEDIA_TYPE = /^application\/[\w!#$&^.-]+\+json(?:\s*;.*)?$/;

/**
 * Bodies are JSON: `application/json` (Fastify's parser) and every `application/*+json` type,
 * parsed by the same parser with the same prototype-poisoning protection and body limit.
 * Fastify's `text/plain` parser is removed, so any other media type is a 415.
 */
export function acceptJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(STRUCTURED_JSON_MEDIA_TYPE, { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'));
}
