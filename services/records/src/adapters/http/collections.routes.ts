import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RecordsDeps } from '../../application/deps';
import { createCollection } from '../../application/create-collection';
import { updateCollection } from '../../application/update-collection';
import { requireCollection } from '../../application/require-collection';
import type { Collection, CollectionDefinition, IndexedField } from '../../domain/collection';
import { searchSettingsFrom, type SearchSettingsInput } from '../../domain/search-settings';
import type { WriteOutcome } from '../../application/ports';
import { collectionBody, CONSISTENCY_TOKEN_HEADER, REPLAYED_HEADER } from './representations';
import { collectionStreamId, encodeConsistencyToken } from '@hexbase/contracts';
import { etagFor, expectedVersionOf, idempotencyOf, notModified, tenantOf, writeContextOf } from './request-context';
import { collectionNameParam, collectionSchema, createCollectionBody, ifMatchHeaders, updateCollectionBody } from './schemas';

interface DefinitionBody {
  description?: string;
  schema: Record<string, unknown>;
  uniqueFields?: string[];
  indexedFields?: IndexedField[];
  search?: SearchSettingsInput;
}

function definitionOf(name: string, body: DefinitionBody): CollectionDefinition {
  const definition: CollectionDefinition = { name, description: body.description ?? '', schema: body.schema, uniqueFields: body.uniqueFields ?? [], indexedFields: body.indexedFields ?? [] };
  if (body.search) definition.search = searchSettingsFrom(body.search);
  return definition;
}

function sendCollection(reply: FastifyReply, outcome: WriteOutcome<Collection>, status: number) {
  if (outcome.replayed) reply.header(REPLAYED_HEADER, 'true');
  const token = encodeConsistencyToken({ tenantId: outcome.result.tenantId, streamId: collectionStreamId(outcome.result.name), version: outcome.result.version });
  return reply.code(status).header('etag', etagFor(outcome.result.version)).header(CONSISTENCY_TOKEN_HEADER, token).send(collectionBody(outcome.result));
}

export async function collectionsRoutes(app: FastifyInstance, deps: RecordsDeps): Promise<void> {
  const tags = ['collections'];
  const params = { type: 'object', required: ['name'], properties: { name: collectionNameParam } } as const;

  app.post<{ Body: DefinitionBody & { name: string } }>(
    '/v1/collections',
    { schema: { tags, summary: 'Define a collection', body: createCollectionBody, headers: ifMatchHeaders, response: { 201: collectionSchema } } },
    async (request, reply) => {
      const { tenantId, ...origin } = writeContextOf(request);
      const outcome = await createCollection(deps, tenantId, definitionOf(request.body.name, request.body), idempotencyOf(request), origin);
      reply.header('location', `/v1/collections/${outcome.result.name}`);
      return sendCollection(reply, outcome, 201);
    },
  );

  app.get('/v1/collections', { schema: { tags, summary: 'List collections' } }, async (request) => {
    const collections = await deps.collections.list(tenantOf(request));
    return { items: collections.map(collectionBody) };
  });

  app.get<{ Params: { name: string } }>(
    '/v1/collections/:name',
    { schema: { tags, summary: 'Read a collection definition', params, response: { 200: collectionSchema } } },
    async (request, reply) => {
      const collection = await requireCollection(deps.collections, tenantOf(request), request.params.name);
      reply.header('etag', etagFor(collection.version));
      if (notModified(request, collection.version)) return reply.code(304).send();
      return collectionBody(collection);
    },
  );

  app.put<{ Params: { name: string }; Body: DefinitionBody }>(
    '/v1/collections/:name',
    { schema: { tags, summary: 'Change a collection definition', params, body: updateCollectionBody, headers: ifMatchHeaders, response: { 200: collectionSchema } } },
    async (request, reply) => {
      const { tenantId, ...origin } = writeContextOf(request);
      const outcome = await updateCollection(deps, tenantId, definitionOf(request.params.name, request.body), expectedVersionOf(request), idempotencyOf(request), origin);
      return sendCollection(reply, outcome, 200);
    },
  );
}
