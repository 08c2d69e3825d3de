import { notFound } from '@hexbase/contracts';
import { problemResponses, tenantOf } from '@hexbase/http';
import type { FastifyInstance } from 'fastify';
import { erasePersonalData } from '../../application/erase-personal-data';
import type { EventStoreOperations } from '../../application/event-store-operations';
import type { EventLog } from '../../application/ports';
import { putRetentionPolicy } from '../../application/put-retention-policy';
import { startReplay } from '../../application/start-replay';
import type { EventSelectorSpec } from '../../domain/event-selector';
import type { Replay } from '../../domain/replay';
import type { RetentionPolicy, RetentionScope } from '../../domain/retention-policy';
import { selectorBodyProperties, selectorSpecSchema, selectorSpecFromBody } from './log-schemas';

const replaySchema = {
  type: 'object',
  required: ['id', 'consumer', 'fromPosition', 'toPosition', 'total', 'published', 'status', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    consumer: { type: 'string' },
    selector: selectorSpecSchema,
    fromPosition: { type: 'integer' },
    toPosition: { type: 'integer' },
    total: { type: 'integer', description: 'Selected events in the range when the replay started' },
    published: { type: 'integer' },
    status: { type: 'string', enum: ['running', 'completed', 'failed'] },
    error: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const policySchema = {
  type: 'object',
  required: ['scope', 'target', 'updatedAt'],
  properties: {
    scope: { type: 'string', enum: ['stream', 'collection'] },
    target: { type: 'string' },
    maxAgeSeconds: { type: 'integer' },
    maxCount: { type: 'integer' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

const representReplay = ({ tenantId: _tenantId, ...replay }: Replay) => replay;
const representPolicy = ({ tenantId: _tenantId, ...policy }: RetentionPolicy) => policy;

/** Largest age a retention policy accepts: 100 years. */
const MAX_AGE_SECONDS = 100 * 365 * 24 * 3600;

/**
 * Replay, retention and erasure. For now these routes are protected only like every other route
 * (the tenant header): admin scopes arrive with the gateway.
 */
export async function adminRoutes(app: FastifyInstance, log: EventLog, operations: EventStoreOperations): Promise<void> {
  const tags = ['admin'];

  app.post<{ Body: EventSelectorSpec & { consumer: string; fromPosition: number; toPosition?: number } }>(
    '/v1/admin/replays',
    {
      schema: {
        tags,
        summary: 'Re-publish a range of the log (the selected events) to one consumer queue, in the background',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['consumer', 'fromPosition'],
          properties: {
            consumer: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$', description: 'The queue of the consumer, e.g. hexbase.search' },
            fromPosition: { type: 'integer', minimum: 1 },
            toPosition: { type: 'integer', minimum: 1, description: 'Included; the last position of the log when omitted' },
            ...selectorBodyProperties,
          },
        },
        response: { 202: replaySchema, ...problemResponses(400, 404, 409, 503) },
      },
    },
    async (request, reply) => {
      const { consumer, fromPosition, toPosition } = request.body;
      const replay = await startReplay(
        { log, replays: operations.replays, target: operations.replayTarget, runner: operations.replayRunner, newId: operations.newId },
        { tenantId: tenantOf(request), consumer, fromPosition, ...(toPosition !== undefined ? { toPosition } : {}), selector: selectorSpecFromBody(request.body) },
      );
      return reply.code(202).header('location', `/v1/admin/replays/${replay.id}`).send(representReplay(replay));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/admin/replays/:id',
    {
      schema: {
        tags,
        summary: 'A replay and its progress',
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
        response: { 200: replaySchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const replay = await operations.replays.get(tenantOf(request), request.params.id);
      if (!replay) throw notFound('REPLAY_NOT_FOUND', `no replay ${request.params.id}`);
      return representReplay(replay);
    },
  );

  app.put<{ Body: { scope: RetentionScope; target: string; maxAgeSeconds?: number | null; maxCount?: number | null } }>(
    '/v1/admin/retention',
    {
      schema: {
        tags,
        summary: 'Set the retention policy of a stream or a collection (max age, max count, or both)',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['scope', 'target'],
          properties: {
            scope: { type: 'string', enum: ['stream', 'collection'] },
            target: { type: 'string', minLength: 1, maxLength: 300 },
            maxAgeSeconds: { type: ['integer', 'null'], minimum: 1, maximum: MAX_AGE_SECONDS },
            maxCount: { type: ['integer', 'null'], minimum: 1, maximum: 1_000_000_000 },
          },
        },
        response: { 200: policySchema, ...problemResponses(400) },
      },
    },
    async (request) => representPolicy(await putRetentionPolicy(operations.retention, { tenantId: tenantOf(request), ...request.body })),
  );

  app.get(
    '/v1/admin/retention',
    { schema: { tags, summary: 'The retention policies of the tenant', response: { 200: { type: 'object', properties: { items: { type: 'array', items: policySchema } } } } } },
    async (request) => ({ items: (await operations.retention.listPolicies(tenantOf(request))).map(representPolicy) }),
  );

  app.delete<{ Params: { scope: RetentionScope; target: string } }>(
    '/v1/admin/retention/:scope/:target',
    {
      schema: {
        tags,
        summary: 'Remove a retention policy (URL-encode a stream id: orders%2F1)',
        params: { type: 'object', required: ['scope', 'target'], properties: { scope: { type: 'string', enum: ['stream', 'collection'] }, target: { type: 'string', minLength: 1, maxLength: 300 } } },
        response: { 204: { type: 'null' }, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      if (!(await operations.retention.removePolicy(tenantOf(request), request.params.scope, request.params.target))) throw notFound('RETENTION_POLICY_NOT_FOUND', 'no such retention policy');
      return reply.code(204).send();
    },
  );

  app.post(
    '/v1/admin/retention/run',
    {
      schema: {
        tags,
        summary: "Apply the tenant's retention policies now (a pass also runs periodically)",
        response: { 200: { type: 'object', properties: { eventsRemoved: { type: 'integer' }, streamsTruncated: { type: 'integer' } } } },
      },
    },
    async (request) => operations.retention.apply({ tenantId: tenantOf(request), now: new Date() }),
  );

  app.post<{ Body: { streams?: string[]; field?: string; value?: string | number | boolean } }>(
    '/v1/admin/erasures',
    {
      schema: {
        tags,
        summary: "Erase a data subject's personal data from the log: the data of matching events becomes {\"erased\": true}",
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            streams: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string', minLength: 1, maxLength: 300 } },
            field: { type: 'string', minLength: 1, maxLength: 1000, description: 'A path into the event data, e.g. data.data.email' },
            value: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }], description: 'The value the field holds in the events to erase' },
          },
        },
        response: { 201: { type: 'object', properties: { id: { type: 'string' }, eventsErased: { type: 'integer' }, createdAt: { type: 'string', format: 'date-time' } } }, ...problemResponses(400) },
      },
    },
    async (request, reply) => reply.code(201).send(await erasePersonalData(operations.erasures, tenantOf(request), request.body ?? {})),
  );
}
