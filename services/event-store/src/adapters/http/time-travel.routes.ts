import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HexbaseError, parseRfc3339 } from '@hexbase/contracts';
import { problemResponses, tenantOf } from '@hexbase/http';
import { awaitConsistencyToken } from '../../application/await-stream-version';
import { recordHistory } from '../../application/record-history';
import { recordStateAt, type StatePoint } from '../../application/record-state-at';
import { CONSISTENCY_TOKEN_HEADER, streamIdParams, type StreamRoutesDeps } from './streams.routes';

const recordStateSchema = {
  type: ['object', 'null'],
  required: ['id', 'collection', 'version', 'createdAt', 'updatedAt', 'deletedAt', 'purgedAt', 'data'],
  properties: {
    id: { type: 'string' },
    collection: { type: 'string' },
    version: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    deletedAt: { type: ['string', 'null'], format: 'date-time' },
    purgedAt: { type: ['string', 'null'], format: 'date-time' },
    data: { type: 'object', additionalProperties: true },
  },
} as const;

const changeSchema = {
  type: 'object',
  required: ['op', 'path'],
  description: 'A JSON Patch (RFC 6902) operation on the data, with the value it replaced or removed as `previous`',
  properties: { op: { type: 'string', enum: ['add', 'remove', 'replace'] }, path: { type: 'string' }, value: {}, previous: {} },
} as const;

const consistencyHeaders = {
  type: 'object',
  properties: { [CONSISTENCY_TOKEN_HEADER]: { type: 'string', maxLength: 1000, description: 'Wait (bounded) until the stream reflects the write that answered with this token' } },
} as const;

/** Reads that rebuild record streams: the state at a version or a time, and the history with changes. */
export async function timeTravelRoutes(app: FastifyInstance, deps: StreamRoutesDeps): Promise<void> {
  const tags = ['time travel'];

  async function awaitToken(request: FastifyRequest<{ Params: { streamId: string } }>, tenantId: string): Promise<void> {
    const token = request.headers[CONSISTENCY_TOKEN_HEADER];
    if (typeof token === 'string') await awaitConsistencyToken(deps.streams, tenantId, request.params.streamId, token, { timeoutMs: deps.limits.consistencyWaitMs });
  }

  app.get<{ Params: { streamId: string }; Querystring: { version?: number; asOf?: string } }>(
    '/v1/streams/:streamId/state',
    {
      schema: {
        tags,
        summary: 'The state of a record stream at a version or at a point in time (default: now)',
        params: streamIdParams,
        headers: consistencyHeaders,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            version: { type: 'integer', minimum: 1, maximum: 2_147_483_647 },
            asOf: { type: 'string', maxLength: 64, description: 'RFC 3339 date-time, e.g. 2026-05-01T12:00:00Z' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['streamId', 'version', 'at', 'state'],
            properties: { streamId: { type: 'string' }, version: { type: 'integer' }, at: { type: ['string', 'null'] }, asOf: { type: 'string' }, state: recordStateSchema },
          },
          ...problemResponses(400, 404, 410, 503),
        },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      const point = statePointOf(request.query);
      await awaitToken(request, tenantId);
      const resolved = await recordStateAt(deps, tenantId, request.params.streamId, point);
      return { streamId: request.params.streamId, ...(point !== 'current' && 'asOf' in point ? { asOf: point.asOf.toISOString() } : {}), ...resolved };
    },
  );

  app.get<{ Params: { streamId: string }; Querystring: { fromVersion: number; limit: number } }>(
    '/v1/streams/:streamId/history',
    {
      schema: {
        tags,
        summary: 'The versions of a record stream, each with the changes it made to the data',
        params: streamIdParams,
        headers: consistencyHeaders,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { fromVersion: { type: 'integer', minimum: 1, maximum: 2_147_483_647, default: 1 }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['streamId', 'version', 'items', 'nextVersion'],
            properties: {
              streamId: { type: 'string' },
              version: { type: 'integer' },
              nextVersion: { type: ['integer', 'null'] },
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['version', 'type', 'time', 'eventId', 'position', 'changes', 'deletedAt', 'purgedAt'],
                  properties: {
                    version: { type: 'integer' },
                    type: { type: 'string' },
                    time: { type: 'string' },
                    eventId: { type: 'string' },
                    position: { type: 'integer' },
                    changes: { type: 'array', items: changeSchema },
                    deletedAt: { type: ['string', 'null'] },
                    purgedAt: { type: ['string', 'null'] },
                  },
                },
              },
            },
          },
          ...problemResponses(400, 404, 410, 503),
        },
      },
    },
    async (request) => {
      const tenantId = tenantOf(request);
      await awaitToken(request, tenantId);
      const page = await recordHistory(deps, tenantId, request.params.streamId, request.query);
      return { streamId: request.params.streamId, version: page.version, items: page.items, nextVersion: page.nextVersion ?? null };
    },
  );
}

/** `version` or `asOf` (not both); neither is the current state. */
function statePointOf(query: { version?: number; asOf?: string }): StatePoint {
  if (query.version !== undefined && query.asOf !== undefined) {
    throw new HexbaseError('INVALID_STATE_QUERY', 'validation', 'ask for a version or a point in time, not both', [{ field: '/query/asOf', rule: 'exclusive', message: 'give either version or asOf' }]);
  }
  if (query.version !== undefined) return { version: query.version };
  if (query.asOf === undefined) return 'current';
  const asOf = parseRfc3339(query.asOf);
  if (!asOf) throw new HexbaseError('INVALID_TIMESTAMP', 'validation', `asOf "${query.asOf}" is not an RFC 3339 date-time`, [{ field: '/query/asOf', rule: 'date-time', message: 'an RFC 3339 date-time, e.g. 2026-05-01T12:00:00Z' }]);
  return { asOf };
}
