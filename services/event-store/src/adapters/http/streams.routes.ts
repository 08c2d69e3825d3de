import type { FastifyInstance, FastifyRequest } from 'fastify';
import { encodeConsistencyToken } from '@hexbase/contracts';
import { problemResponses, tenantOf } from '@hexbase/http';
import { currentTraceparent } from '@hexbase/observability';
import type { Clock, IdGenerator } from '@hexbase/ports';
import { appendToStream, type EventInput } from '../../application/append-to-stream';
import type { Snapshots, Streams } from '../../application/ports';
import { readCorrelatedEvents } from '../../application/read-correlated-events';
import { readStream } from '../../application/read-stream';
import type { ExpectedVersion } from '../../domain/expected-version';
import { EVENT_TYPE } from '../../domain/stream-ids';

export const CONSISTENCY_TOKEN_HEADER = 'hexbase-consistency-token';
const REPLAYED_HEADER = 'idempotent-replayed';

export interface StreamRoutesDeps {
  streams: Streams;
  snapshots: Snapshots;
  ids: IdGenerator;
  clock: Clock;
  limits: {
    /** Most events one append may carry (more is a 400 naming /body/events). */
    maxAppendEvents: number;
    /** Largest append body in bytes (more is a 413). */
    appendBodyLimitBytes: number;
    /** How long a read given a consistency token waits for the stream to reach it. */
    consistencyWaitMs: number;
  };
}

export const streamIdParams = {
  type: 'object',
  required: ['streamId'],
  properties: { streamId: { type: 'string', minLength: 1, maxLength: 300, description: 'URL-encoded stream id: order-123, or orders%2F0190... for a record stream' } },
} as const;

const storedEventSchema = {
  type: 'object',
  required: ['position', 'event'],
  properties: { position: { type: 'integer' }, event: { type: 'object', additionalProperties: true } },
} as const;

const newEventSchema = {
  type: 'object',
  required: ['type', 'data'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', format: 'uuid', description: 'Send one for every event to make retries of the batch safe' },
    type: { type: 'string', maxLength: 200, pattern: EVENT_TYPE.source, description: 'Dotted lower-case words, e.g. order.placed (record.* is reserved)' },
    data: { type: 'object', additionalProperties: true },
    schemaVersion: { type: 'integer', minimum: 1, maximum: 10_000, default: 1, description: 'Version of the payload schema: dataschema urn:hexbase:schema:<type>:<n>' },
    correlationId: { type: 'string', minLength: 1, maxLength: 200 },
    causationId: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

const expectedVersionSchema = {
  description: "'any', 'no_stream', 'exists', or the exact version of the stream's last event (0: no event yet)",
  default: 'any',
  anyOf: [{ type: 'string', enum: ['any', 'no_stream', 'exists'] }, { type: 'integer', minimum: 0, maximum: 2_147_483_647 }],
} as const;

const appendResultSchema = {
  type: 'object',
  required: ['streamId', 'version', 'events'],
  properties: {
    streamId: { type: 'string' },
    version: { type: 'integer', description: "The stream's version after the batch" },
    events: { type: 'array', items: { type: 'object', required: ['id', 'version', 'position'], properties: { id: { type: 'string' }, version: { type: 'integer' }, position: { type: 'integer' } } } },
  },
} as const;

type AppendBody = { expectedVersion: ExpectedVersion; events: EventInput[] };

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Appends to a stream, reads a stream either way, and reads the events of one correlation id. */
export async function streamsRoutes(app: FastifyInstance, deps: StreamRoutesDeps): Promise<void> {
  const tags = ['streams'];

  app.post<{ Params: { streamId: string }; Body: AppendBody }>(
    '/v1/streams/:streamId/events',
    {
      bodyLimit: deps.limits.appendBodyLimitBytes,
      schema: {
        tags,
        summary: 'Append events to an application stream atomically, if it is at the expected version',
        params: streamIdParams,
        body: {
          type: 'object',
          required: ['events'],
          additionalProperties: false,
          properties: { expectedVersion: expectedVersionSchema, events: { type: 'array', minItems: 0, maxItems: deps.limits.maxAppendEvents, items: newEventSchema } },
        },
        response: { 200: appendResultSchema, 201: appendResultSchema, ...problemResponses(400, 409, 413) },
      },
    },
    async (request, reply) => {
      const { streamId } = request.params;
      const tenantId = tenantOf(request);
      const traceparent = currentTraceparent() ?? header(request, 'traceparent');
      const causationId = header(request, 'x-causation-id');
      const result = await appendToStream(deps, {
        tenantId,
        streamId,
        expectedVersion: request.body.expectedVersion,
        events: request.body.events,
        correlationId: header(request, 'x-correlation-id') ?? request.id,
        ...(causationId ? { causationId } : {}),
        ...(traceparent ? { traceparent } : {}),
      });
      reply.header(CONSISTENCY_TOKEN_HEADER, encodeConsistencyToken({ tenantId, streamId, version: result.version }));
      if (result.replayed) reply.header(REPLAYED_HEADER, 'true');
      if (result.events.length === 0) return reply.code(200).send({ streamId, version: result.version, events: [] });
      reply.header('location', `/v1/streams/${encodeURIComponent(streamId)}/events?fromVersion=${result.events[0]!.version}`);
      return reply.code(201).send({ streamId, version: result.version, events: result.events });
    },
  );

  app.get<{ Params: { streamId: string }; Querystring: { fromVersion?: number; direction: 'forward' | 'backward'; limit: number } }>(
    '/v1/streams/:streamId/events',
    {
      schema: {
        tags,
        summary: 'Read one stream forward (from version 1) or backward (from its last version)',
        params: streamIdParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            fromVersion: { type: 'integer', minimum: 1, maximum: 2_147_483_647, description: 'First version returned: the lowest going forward, the highest going backward' },
            direction: { type: 'string', enum: ['forward', 'backward'], default: 'forward' },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['streamId', 'version', 'items', 'nextVersion'],
            properties: { streamId: { type: 'string' }, version: { type: 'integer' }, items: { type: 'array', items: storedEventSchema }, nextVersion: { type: ['integer', 'null'] } },
          },
          ...problemResponses(400, 404, 410),
        },
      },
    },
    async (request) => {
      const { fromVersion, direction, limit } = request.query;
      const page = await readStream(deps.streams, tenantOf(request), request.params.streamId, { direction, limit, ...(fromVersion !== undefined ? { fromVersion } : {}) });
      return { streamId: request.params.streamId, version: page.version, items: page.events, nextVersion: page.nextVersion ?? null };
    },
  );

  app.get<{ Params: { correlationId: string }; Querystring: { after: number; limit: number } }>(
    '/v1/correlations/:correlationId/events',
    {
      schema: {
        tags,
        summary: 'Read every event carrying one correlation id, in log order',
        params: { type: 'object', required: ['correlationId'], properties: { correlationId: { type: 'string', minLength: 1, maxLength: 200 } } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { after: { type: 'integer', minimum: 0, default: 0 }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        },
        response: {
          200: {
            type: 'object',
            required: ['correlationId', 'items', 'lastPosition'],
            properties: { correlationId: { type: 'string' }, items: { type: 'array', items: storedEventSchema }, lastPosition: { type: 'integer' } },
          },
          ...problemResponses(400),
        },
      },
    },
    async (request) => {
      const { after, limit } = request.query;
      const page = await readCorrelatedEvents(deps.streams, tenantOf(request), request.params.correlationId, after, limit);
      return { correlationId: request.params.correlationId, items: page.events, lastPosition: page.lastPosition };
    },
  );
}
