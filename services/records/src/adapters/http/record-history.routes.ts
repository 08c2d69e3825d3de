import type { FastifyInstance } from 'fastify';
import { HexbaseError, parseRfc3339 } from '@hexbase/contracts';
import { problemResponses } from '@hexbase/http';
import type { RecordsDeps } from '../../application/deps';
import { getRecordHistory, type RecordPoint } from '../../application/record-time-travel';
import { revertRecord } from '../../application/revert-record';
import { CONSISTENCY_TOKEN_HEADER, consistencyTokenFor, recordBody, REPLAYED_HEADER } from './representations';
import { etagFor, expectedVersionOf, idempotencyOf, tenantOf, writeContextOf } from './request-context';
import { collectionNameParam, ifMatchHeaders, recordIdParam, recordSchema } from './schemas';

type RecordParams = { name: string; id: string };

/** Query parameters of a read of a record as it was (GET /v1/collections/{c}/records/{id}). */
export const timeTravelQueryProperties = {
  asOf: { type: 'string', maxLength: 64, description: 'Read the record as it was at this RFC 3339 date-time, e.g. 2026-05-01T12:00:00Z' },
  atVersion: { type: 'integer', minimum: 1, maximum: 2_147_483_647, description: 'Read the record as it was at this version' },
} as const;

/** The version or time a read asks for, or undefined for "now"; bad combinations and malformed times are 400s naming the field. */
export function recordPointOf(query: { asOf?: string; atVersion?: number }): RecordPoint | undefined {
  if (query.asOf !== undefined && query.atVersion !== undefined) {
    throw new HexbaseError('INVALID_TIME_TRAVEL_QUERY', 'validation', 'ask for a version or a point in time, not both', [{ field: '/query/asOf', rule: 'exclusive', message: 'give either asOf or atVersion' }]);
  }
  if (query.atVersion !== undefined) return { version: query.atVersion };
  if (query.asOf === undefined) return undefined;
  const asOf = parseRfc3339(query.asOf);
  if (!asOf) throw new HexbaseError('INVALID_TIMESTAMP', 'validation', `asOf "${query.asOf}" is not an RFC 3339 date-time`, [{ field: '/query/asOf', rule: 'date-time', message: 'an RFC 3339 date-time, e.g. 2026-05-01T12:00:00Z' }]);
  return { asOf };
}

const changeSchema = {
  type: 'object',
  required: ['op', 'path'],
  properties: { op: { type: 'string', enum: ['add', 'remove', 'replace'] }, path: { type: 'string', description: 'JSON Pointer into the data' }, value: {}, previous: {} },
} as const;

const historySchema = {
  type: 'object',
  required: ['id', 'collection', 'items', 'nextVersion'],
  properties: {
    id: { type: 'string' },
    collection: { type: 'string' },
    nextVersion: { type: ['integer', 'null'] },
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['version', 'type', 'time', 'eventId', 'changes', 'deletedAt'],
        properties: {
          version: { type: 'integer' },
          type: { type: 'string' },
          time: { type: 'string', format: 'date-time' },
          eventId: { type: 'string' },
          changes: { type: 'array', items: changeSchema, description: 'JSON Patch (RFC 6902) from the previous version, with the value each operation replaced or removed as `previous`' },
          deletedAt: { type: ['string', 'null'] },
        },
      },
    },
  },
} as const;

/** A record's history with the changes of each version, and reverting a record to an earlier version. */
export async function recordHistoryRoutes(app: FastifyInstance, deps: RecordsDeps): Promise<void> {
  const tags = ['records'];
  const params = { type: 'object', required: ['name', 'id'], properties: { name: collectionNameParam, id: recordIdParam } } as const;

  app.get<{ Params: RecordParams; Querystring: { fromVersion: number; limit: number } }>(
    '/v1/collections/:name/records/:id/history',
    {
      schema: {
        tags,
        summary: "A record's versions, each with the changes it made to the data",
        params,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { fromVersion: { type: 'integer', minimum: 1, maximum: 2_147_483_647, default: 1 }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        },
        response: { 200: historySchema, ...problemResponses(400, 404, 503) },
      },
    },
    async (request) => {
      const { name, id } = request.params;
      const page = await getRecordHistory(deps, tenantOf(request), name, id, request.query);
      return { id, collection: name, items: page.items, nextVersion: page.nextVersion ?? null };
    },
  );

  app.post<{ Params: RecordParams; Body: { version: number } }>(
    '/v1/collections/:name/records/:id/revert',
    {
      schema: {
        tags,
        summary: "Set a record's data back to what it was at an earlier version, as a new version",
        params,
        headers: ifMatchHeaders,
        body: { type: 'object', required: ['version'], additionalProperties: false, properties: { version: { type: 'integer', minimum: 1, maximum: 2_147_483_647, description: 'The version whose data to restore' } } },
        response: { 200: recordSchema, ...problemResponses(400, 404, 409, 412, 503) },
      },
    },
    async (request, reply) => {
      const expectedVersion = expectedVersionOf(request);
      const idempotency = idempotencyOf(request);
      const outcome = await revertRecord(deps, writeContextOf(request), request.params.name, request.params.id, request.body.version, {
        ...(expectedVersion !== undefined ? { expectedVersion } : {}),
        ...(idempotency ? { idempotency } : {}),
      });
      const record = outcome.result[0]!.record;
      if (outcome.replayed) reply.header(REPLAYED_HEADER, 'true');
      reply.header('etag', etagFor(record.version)).header(CONSISTENCY_TOKEN_HEADER, consistencyTokenFor(record));
      return recordBody(record);
    },
  );
}
