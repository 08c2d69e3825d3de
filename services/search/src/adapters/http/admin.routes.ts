import type { FastifyInstance } from 'fastify';
import { tenantOf } from '@hexbase/http';
import type { RebuildProgress, Rebuilds } from '../../application/ports';
import { reindexProgress } from '../../application/reindex-progress';
import { requestReindex } from '../../application/request-reindex';
import { collectionParams, rebuildSchema } from './schemas';

export interface AdminRoutesDeps {
  rebuilds: Rebuilds;
  /** Tells the rebuild worker of this process there is work, rather than waiting for its next poll. */
  wakeRebuilds?: () => void;
}

function progressBody(progress: RebuildProgress) {
  return {
    ...progress,
    requestedAt: progress.requestedAt.toISOString(),
    startedAt: progress.startedAt?.toISOString() ?? null,
    finishedAt: progress.finishedAt?.toISOString() ?? null,
  };
}

export async function adminRoutes(app: FastifyInstance, deps: AdminRoutesDeps): Promise<void> {
  const tags = ['admin'];

  app.post<{ Params: { collection: string } }>(
    '/v1/admin/search/:collection/reindex',
    { schema: { tags, summary: 'Rebuild a collection index from the event store, then swap it in', params: collectionParams, response: { 202: rebuildSchema } } },
    async (request, reply) => {
      const progress = await requestReindex(deps.rebuilds, tenantOf(request), request.params.collection);
      deps.wakeRebuilds?.();
      return reply.code(202).header('location', `/v1/admin/search/${request.params.collection}/reindex`).send(progressBody(progress));
    },
  );

  app.get<{ Params: { collection: string } }>(
    '/v1/admin/search/:collection/reindex',
    { schema: { tags, summary: 'Progress of the newest rebuild of a collection index', params: collectionParams, response: { 200: rebuildSchema } } },
    async (request) => progressBody(await reindexProgress(deps.rebuilds, tenantOf(request), request.params.collection)),
  );
}
