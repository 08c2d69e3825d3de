import { MAX_QUERY_LENGTH } from '../../domain/search-query';
import { MAX_RESULT_WINDOW } from '../../domain/page-cursor';

/** JSON Schemas of the search API: they validate requests and generate the OpenAPI document. */
export const collectionParams = {
  type: 'object',
  required: ['collection'],
  properties: { collection: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$', description: 'Collection name' } },
} as const;

const FIELD = '[A-Za-z_][A-Za-z0-9_]{0,62}(\\.[A-Za-z_][A-Za-z0-9_]{0,62}){0,7}';

export const facetParams = {
  type: 'object',
  required: ['collection', 'field'],
  properties: { ...collectionParams.properties, field: { type: 'string', pattern: `^${FIELD}$`, description: 'A facetable field' } },
} as const;

const q = { type: 'string', maxLength: MAX_QUERY_LENGTH, default: '', description: 'Words, "quoted phrases", OR, -exclusions; the last word is a prefix unless followed by a space' } as const;
const filter = { type: 'string', maxLength: 4096, description: 'Filter expression on filterable fields (docs/filters.md)' } as const;
const typoTolerance = { type: 'boolean', default: true, description: 'Let words with one typo (5 to 8 letters) or two (9 or more) match' } as const;

export const searchQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q,
    filter,
    facets: { type: 'string', maxLength: 2048, pattern: `^(${FIELD})(,${FIELD})*$`, description: 'Comma-separated facetable fields to count values of' },
    sort: { type: 'string', maxLength: 520, pattern: `^(relevance|-?${FIELD})$`, default: 'relevance', description: 'relevance, or a sortable field; prefix with - for descending' },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    offset: { type: 'integer', minimum: 0, maximum: MAX_RESULT_WINDOW },
    cursor: { type: 'string', maxLength: 200, description: 'nextCursor of the previous page' },
    typoTolerance,
    highlight: { type: 'boolean', default: false, description: 'Mark matched words in the searchable fields and add a snippet' },
    consistencyToken: { type: 'string', maxLength: 1024, description: 'Wait until the index reflects this write (or send the Hexbase-Consistency-Token header)' },
  },
} as const;

export const facetValuesQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', maxLength: 200, default: '', description: 'Start of the values (or of a word in them) to list, case-insensitive' },
    query: q,
    filter,
    typoTolerance,
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 10 },
  },
} as const;

export const consistencyHeaders = {
  type: 'object',
  properties: { 'hexbase-consistency-token': { type: 'string', maxLength: 1024, description: 'The consistency token a write returned: wait until the index reflects it' } },
} as const;

const facetValue = { type: 'object', required: ['value', 'count'], properties: { value: { type: ['string', 'number', 'boolean'] }, count: { type: 'integer' } } } as const;

export const searchAnswerSchema = {
  type: 'object',
  required: ['hits', 'total', 'offset', 'limit', 'nextCursor', 'facets', 'corrections'],
  properties: {
    hits: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'version', 'score', 'data'],
        properties: {
          id: { type: 'string' },
          version: { type: 'integer' },
          score: { type: 'number' },
          data: { type: 'object', additionalProperties: true },
          highlights: { type: 'object', additionalProperties: true },
          snippet: { type: 'string' },
        },
      },
    },
    total: { type: 'integer' },
    offset: { type: 'integer' },
    limit: { type: 'integer' },
    nextCursor: { type: ['string', 'null'] },
    facets: {
      type: 'object',
      additionalProperties: { type: 'object', required: ['values'], properties: { values: { type: 'array', items: facetValue }, min: { type: 'number' }, max: { type: 'number' } } },
    },
    corrections: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
  },
} as const;

export const facetValuesSchema = {
  type: 'object',
  required: ['field', 'values'],
  properties: { field: { type: 'string' }, values: { type: 'array', items: facetValue } },
} as const;

export const rebuildSchema = {
  type: 'object',
  required: ['generation', 'source', 'status', 'processed', 'total', 'attempts', 'activeGeneration', 'requestedAt', 'startedAt', 'finishedAt', 'error'],
  properties: {
    generation: { type: 'integer' },
    source: { type: 'string', enum: ['initial', 'event-store', 'settings'] },
    status: { type: 'string', enum: ['pending', 'building', 'active', 'retired', 'failed'] },
    processed: { type: 'integer', description: 'Events read (event-store) or documents copied (settings) so far' },
    total: { type: ['integer', 'null'], description: 'Documents to copy, when known' },
    attempts: { type: 'integer' },
    activeGeneration: { type: 'integer', description: 'The generation answering searches now' },
    requestedAt: { type: 'string', format: 'date-time' },
    startedAt: { type: ['string', 'null'], format: 'date-time' },
    finishedAt: { type: ['string', 'null'], format: 'date-time' },
    error: { type: ['string', 'null'] },
  },
} as const;
