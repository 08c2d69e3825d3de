import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseFilter } from '@hexbase/filter';
import { HexbaseError } from '@hexbase/contracts';
import type { RecordsDeps } from '../../application/deps';
import { getRecord } from '../../application/get-record';
import { getRecordAt } from '../../application/record-time-travel';
import { listRecords } from '../../application/list-records';
import { bulkWritePointers, singleWritePointers, writeRecords, type RecordCommandInput } from '../../application/write-records';
import type { RecordWriteResult, WriteOutcome } from '../../application/ports';
import { FIELD_PATH } from '../../domain/collection';
import { recordPointOf, timeTravelQueryProperties } from './record-history.routes';
import { CONSISTENCY_TOKEN_HEADER, consistencyTokenFor, recordBody, REPLAYED_HEADER } from './representations';
import { etagFor, expectedVersionOf, idempotencyOf, notModified, tenantOf, writeContextOf } from './request-context';
import { bulkBody, collectionNameParam, createRecordBody, ifMatchHeaders, listQuery, mergePatchBody, recordIdParam, recordSchema, replaceRecordBody } from './schemas';

type RecordParams = { name: string; id: string };
/** Sortable system fields: never null, so keyset cursors can compare them. */
const SYSTEM_SORT_FIELDS = new Set(['id', 'version', 'createdAt', 'updatedAt']);

export async function recordsRoutes(app: FastifyInstance, deps: RecordsDeps): Promise<void> {
  const tags = ['records'];
  const collectionParams = { type: 'object', required: ['name'], properties: { name: collectionNameParam } } as const;
  const recordParams = { type: 'object', required: ['name', 'id'], properties: { name: collectionNameParam, id: recordIdParam } } as const;
  const single = { 200: recordSchema };

  async function writeOne(request: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply, command: RecordCommandInput, status: number) {
    const outcome = await writeRecords(deps, writeContextOf(request), request.params.name, [command], { idempotency: idempotencyOf(request), pointers: singleWritePointers });
    const result = outcome.result[0]!;
    if (outcome.replayed) reply.header(REPLAYED_HEADER, 'true');
    reply.header('etag', etagFor(result.record.version)).header(CONSISTENCY_TOKEN_HEADER, consistencyTokenFor(result.record));
    if (status === 201) reply.header('location', `/v1/collections/${result.record.collection}/records/${result.record.id}`);
    return reply.code(status).send(recordBody(result.record));
  }

  app.post<{ Params: { name: string }; Body: { id?: string; data: Record<string, unknown> } }>(
    '/v1/collections/:name/records',
    { schema: { tags, summary: 'Create a record', params: collectionParams, body: createRecordBody, headers: ifMatchHeaders, response: { 201: recordSchema } } },
    (request, reply) => writeOne(request, reply, { op: 'create', data: request.body.data, ...(request.body.id ? { id: request.body.id } : {}) }, 201),
  );

  app.get<{ Params: { name: string }; Querystring: { filter?: string; sort: string; limit: number; cursor?: string; includeTotal: boolean; includeDeleted: boolean } }>(
    '/v1/collections/:name/records',
    { schema: { tags, summary: 'List records with a filter, sort and cursor pagination', params: collectionParams, querystring: listQuery } },
    async (request) => {
      const { filter, sort, limit, cursor, includeTotal, includeDeleted } = request.query;
      const sortField = sort.startsWith('-') ? sort.slice(1) : sort;
      if (!SYSTEM_SORT_FIELDS.has(sortField) && !FIELD_PATH.test(sortField)) {
        throw new HexbaseError('INVALID_SORT', 'validation', `cannot sort by ${sortField}`, [{ field: '/query/sort', rule: 'pattern', message: 'a system field or a dotted data field path' }]);
      }
      const page = await listRecords(deps, tenantOf(request), request.params.name, {
        ...(filter ? { filter: parseFilter(filter, { parameter: '/query/filter' }) } : {}),
        sortField,
        descending: sort.startsWith('-'),
        limit,
        ...(cursor ? { cursor } : {}),
        includeTotal,
        includeDeleted,
      });
      return { items: page.records.map(recordBody), nextCursor: page.nextCursor ?? null, ...(page.total !== undefined ? { total: page.total } : {}) };
    },
  );

  app.get<{ Params: RecordParams; Querystring: { includeDeleted?: boolean; asOf?: string; atVersion?: number } }>(
    '/v1/collections/:name/records/:id',
    {
      schema: {
        tags,
        summary: 'Read a record, now, or as it was at a version (atVersion) or a point in time (asOf)',
        params: recordParams,
        querystring: { type: 'object', additionalProperties: false, properties: { includeDeleted: { type: 'boolean', default: false }, ...timeTravelQueryProperties } },
        response: single,
      },
    },
    async (request, reply) => {
      const point = recordPointOf(request.query);
      if (point) {
        const earlier = await getRecordAt(deps, tenantOf(request), request.params.name, request.params.id, point, { includeDeleted: request.query.includeDeleted ?? false });
        return reply.header('etag', etagFor(earlier.version)).send(recordBody(earlier));
      }
      const record = await getRecord(deps, tenantOf(request), request.params.name, request.params.id, { includeDeleted: request.query.includeDeleted ?? false });
      reply.header('etag', etagFor(record.version));
      if (notModified(request, record.version)) return reply.code(304).send();
      return recordBody(record);
    },
  );

  app.put<{ Params: RecordParams; Body: { data: Record<string, unknown> } }>(
    '/v1/collections/:name/records/:id',
    { schema: { tags, summary: 'Replace a record', params: recordParams, body: replaceRecordBody, headers: ifMatchHeaders, response: single } },
    (request, reply) => writeOne(request, reply, withVersion({ op: 'replace', id: request.params.id, data: request.body.data }, request), 200),
  );

  app.patch<{ Params: RecordParams; Body: Record<string, unknown> }>(
    '/v1/collections/:name/records/:id',
    { schema: { tags, summary: 'Change a record with a JSON Merge Patch', params: recordParams, body: mergePatchBody, headers: ifMatchHeaders, response: single } },
    (request, reply) => writeOne(request, reply, withVersion({ op: 'patch', id: request.params.id, patch: request.body }, request), 200),
  );

  app.delete<{ Params: RecordParams; Querystring: { purge: boolean } }>(
    '/v1/collections/:name/records/:id',
    {
      schema: {
        tags,
        summary: 'Soft-delete a record, or purge it for good with ?purge=true',
        params: recordParams,
        querystring: { type: 'object', additionalProperties: false, properties: { purge: { type: 'boolean', default: false } } },
        headers: ifMatchHeaders,
        response: single,
      },
    },
    (request, reply) => writeOne(request, reply, withVersion({ op: request.query.purge ? 'purge' : 'delete', id: request.params.id }, request), 200),
  );

  app.post<{ Params: RecordParams }>(
    '/v1/collections/:name/records/:id/restore',
    { schema: { tags, summary: 'Restore a soft-deleted record', params: recordParams, headers: ifMatchHeaders, response: single } },
    (request, reply) => writeOne(request, reply, withVersion({ op: 'restore', id: request.params.id }, request), 200),
  );

  app.post<{ Params: { name: string }; Body: { operations: RecordCommandInput[] } }>(
    '/v1/collections/:name/records/bulk',
    { schema: { tags, summary: 'Apply up to 1000 operations atomically', params: collectionParams, body: bulkBody, headers: ifMatchHeaders } },
    async (request, reply) => {
      const outcome = await writeRecords(deps, writeContextOf(request), request.params.name, request.body.operations, {
        idempotency: idempotencyOf(request),
        pointers: bulkWritePointers,
      });
      return sendBulk(reply, outcome);
    },
  );
}

function withVersion<T extends Exclude<RecordCommandInput, { op: 'create' }>>(command: T, request: FastifyRequest): T {
  const expectedVersion = expectedVersionOf(request);
  return expectedVersion === undefined ? command : { ...command, expectedVersion };
}

function sendBulk(reply: FastifyReply, outcome: WriteOutcome<RecordWriteResult[]>) {
  if (outcome.replayed) reply.header(REPLAYED_HEADER, 'true');
  return reply.code(200).send({
    results: outcome.result.map((result) => ({ op: result.op, changed: result.changed, consistencyToken: consistencyTokenFor(result.record), record: recordBody(result.record) })),
  });
}
