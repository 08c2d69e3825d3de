import type { FastifyInstance } from 'fastify';
import { tenantOf } from '@hexbase/http';
import type { EventLog } from '../../application/ports';
import { readStream } from '../../application/read-stream';

const storedEventSchema = {
  type: 'object',
  required: ['position', 'event'],
  properties: { position: { type: 'integer' }, event: { type: 'object', additionalProperties: true } },
} as const;

export async function eventStoreRoutes(app: FastifyInstance, log: EventLog): Promise<void> {
  const tags = ['events'];

  app.get<{ Params: { streamId: string }; Querystring: { fromVersion: number; limit: number } }>(
    '/v1/streams/:streamId/events',
    {
      schema: {
        tags,
        summary: 'Read one stream in version order (URL-encode the stream id: orders%2F0190...)',
        params: { type: 'object', required: ['streamId'], properties: { streamId: { type: 'string', minLength: 1, maxLength: 300 } } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { fromVersion: { type: 'integer', minimum: 1, default: 1 }, limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
        },
        response: { 200: { type: 'object', properties: { streamId: { type: 'string' }, items: { type: 'array', items: storedEventSchema } } } },
      },
    },
    async (request) => {
      const { fromVersion, limit } = request.query;
      const events = await readStream(log, tenantOf(request), request.params.streamId, fromVersion, limit);
      return { streamId: request.params.streamId, items: events };
    },
  );

  app.get<{ Querystring: { after: number; limit: number; type?: string; streamPrefix?: string } }>(
    '/v1/events',
    {
      schema: {
        tags,
        summary: 'Read the global log after a position, optionally filtered by event types and stream prefix',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            after: { type: 'integer', minimum: 0, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            type: { type: 'string', maxLength: 1000, pattern: '^[a-z0-9.]+(,[a-z0-9.]+)*$', description: 'Comma-separated event types' },
            streamPrefix: { type: 'string', maxLength: 300 },
          },
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: storedEventSchema }, lastPosition: { type: 'integer' } } } },
      },
    },
    async (request) => {
      const { after, limit, type, streamPrefix } = request.query;
      const items = await log.readLog({ tenantId: tenantOf(request), after, limit, ...(type ? { types: type.split(',') } : {}), ...(streamPrefix ? { streamPrefix } : {}) });
      return { items, lastPosition: items.length > 0 ? items[items.length - 1]!.position : after };
    },
  );
}
