import { problemResponses, tenantOf } from '@hexbase/http';
import type { FastifyInstance } from 'fastify';
import { deleteStream, restoreStream } from '../../application/delete-stream';
import type { StreamLifecycle } from '../../application/ports';

const streamParams = { type: 'object', required: ['streamId'], properties: { streamId: { type: 'string', minLength: 1, maxLength: 300 } } } as const;

const stateSchema = {
  type: 'object',
  properties: {
    streamId: { type: 'string' },
    deleted: { type: 'string', enum: ['soft', 'hard'] },
    version: { type: 'integer' },
    deletedAt: { type: 'string', format: 'date-time' },
    truncatedBefore: { type: 'integer' },
    eventsRemoved: { type: 'integer' },
  },
} as const;

/** Soft and hard deletion of a stream, and restoring a soft-deleted one. */
export async function streamLifecycleRoutes(app: FastifyInstance, streams: StreamLifecycle): Promise<void> {
  const tags = ['streams'];

  app.delete<{ Params: { streamId: string }; Querystring: { hard: boolean } }>(
    '/v1/streams/:streamId',
    {
      schema: {
        tags,
        summary: 'Delete a stream: soft (hidden, appends refused, can be restored) or with hard=true (its events are removed)',
        params: streamParams,
        querystring: { type: 'object', additionalProperties: false, properties: { hard: { type: 'boolean', default: false } } },
        response: { 200: stateSchema, ...problemResponses(400, 404) },
      },
    },
    async (request) => {
      const outcome = await deleteStream(streams, tenantOf(request), request.params.streamId, request.query.hard);
      return { streamId: request.params.streamId, deleted: outcome.hard ? 'hard' : 'soft', ...(outcome.state ?? {}), ...(outcome.eventsRemoved !== undefined ? { eventsRemoved: outcome.eventsRemoved } : {}) };
    },
  );

  app.post<{ Params: { streamId: string } }>(
    '/v1/streams/:streamId/restore',
    { schema: { tags, summary: 'Undo a soft deletion', params: streamParams, response: { 200: stateSchema, ...problemResponses(400, 404) } } },
    async (request) => ({ streamId: request.params.streamId, ...(await restoreStream(streams, tenantOf(request), request.params.streamId)) }),
  );
}
