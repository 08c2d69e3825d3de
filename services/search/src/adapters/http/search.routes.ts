import type { FastifyInstance } from 'fastify';
import { HexbaseError } from '@hexbase/contracts';
import { tenantOf } from '@hexbase/http';
import { searchFacetValues } from '../../application/search-facet-values';
import { searchRecords, type SearchDeps } from '../../application/search-records';
import { collectionParams, consistencyHeaders, facetParams, facetValuesQuery, facetValuesSchema, searchAnswerSchema, searchQuery } from './schemas';

const CONSISTENCY_HEADER = 'hexbase-consistency-token';

interface SearchQuerystring {
  q: string;
  filter?: string;
  facets?: string;
  sort: string;
  limit: number;
  offset?: number;
  cursor?: string;
  typoTolerance: boolean;
  highlight: boolean;
  consistencyToken?: string;
}

export async function searchRoutes(app: FastifyInstance, deps: SearchDeps): Promise<void> {
  const tags = ['search'];

  app.get<{ Params: { collection: string }; Querystring: SearchQuerystring }>(
    '/v1/search/:collection',
    { schema: { tags, summary: 'Search a collection: full text, filters, facets, highlights', params: collectionParams, querystring: searchQuery, headers: consistencyHeaders, response: { 200: searchAnswerSchema } } },
    async (request) => {
      const query = request.query;
      if (query.offset !== undefined && query.cursor !== undefined) {
        throw new HexbaseError('INVALID_PAGINATION', 'validation', 'give either offset or cursor, not both', [{ field: '/query/cursor', rule: 'exclusive', message: 'cursor cannot be combined with offset' }]);
      }
      const header = request.headers[CONSISTENCY_HEADER];
      const headerToken = Array.isArray(header) ? header[0] : header;
      const consistencyToken =
        query.consistencyToken !== undefined
          ? { token: query.consistencyToken, field: '/query/consistencyToken' }
          : headerToken !== undefined
            ? { token: headerToken, field: `/headers/${CONSISTENCY_HEADER}` }
            : undefined;
      const answer = await searchRecords(deps, {
        tenantId: tenantOf(request),
        collection: request.params.collection,
        q: query.q,
        ...(query.filter !== undefined && query.filter.trim() !== '' ? { filter: query.filter } : {}),
        facets: query.facets ? query.facets.split(',') : [],
        sort: query.sort,
        limit: query.limit,
        ...(query.offset !== undefined ? { offset: query.offset } : {}),
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        typoTolerance: query.typoTolerance,
        highlight: query.highlight,
        ...(consistencyToken ? { consistencyToken } : {}),
      });
      return answer;
    },
  );

  app.get<{ Params: { collection: string; field: string }; Querystring: { q: string; query: string; filter?: string; typoTolerance: boolean; limit: number } }>(
    '/v1/search/:collection/facets/:field',
    { schema: { tags, summary: 'Search the values of a facet, with their counts among the hits of a search', params: facetParams, querystring: facetValuesQuery, response: { 200: facetValuesSchema } } },
    async (request) => {
      const values = await searchFacetValues(deps.index, {
        tenantId: tenantOf(request),
        collection: request.params.collection,
        field: request.params.field,
        prefix: request.query.q,
        query: request.query.query,
        ...(request.query.filter !== undefined && request.query.filter.trim() !== '' ? { filter: request.query.filter } : {}),
        typoTolerance: request.query.typoTolerance,
        limit: request.query.limit,
      });
      return { field: request.params.field, values };
    },
  );
}
