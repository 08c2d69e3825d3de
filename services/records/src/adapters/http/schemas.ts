import { SEARCH_LANGUAGES, SEARCH_WEIGHT_CLASSES } from '@hexbase/contracts';
import { INDEXED_FIELD_TYPES } from '../../domain/collection';
import { MAX_SEARCH_FIELDS, MAX_STOP_WORDS, MAX_SYNONYMS_PER_WORD, MAX_SYNONYM_KEYS } from '../../domain/search-settings';
import { COLLECTION_NAME, RECORD_ID } from '../../domain/names';
import { MAX_BULK_OPERATIONS } from '../../application/write-records';

/** JSON Schemas of the records API: they validate requests and generate the OpenAPI document. */

export const collectionNameParam = { type: 'string', pattern: COLLECTION_NAME.source, description: 'Collection name' } as const;
export const recordIdParam = { type: 'string', pattern: RECORD_ID.source, description: 'Record id: letters, digits, _ and -, at most 64' } as const;

export const recordSchema = {
  $id: 'Record',
  type: 'object',
  required: ['id', 'collection', 'version', 'createdAt', 'updatedAt', 'deletedAt', 'data'],
  properties: {
    id: { type: 'string' },
    collection: { type: 'string' },
    version: { type: 'integer', minimum: 1 },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    deletedAt: { type: ['string', 'null'], format: 'date-time' },
    data: { type: 'object', additionalProperties: true },
  },
} as const;

const indexedFieldSchema = {
  type: 'object',
  required: ['field', 'type'],
  additionalProperties: false,
  properties: { field: { type: 'string', maxLength: 512 }, type: { type: 'string', enum: [...INDEXED_FIELD_TYPES] } },
} as const;

const searchFieldList = { type: 'array', items: { type: 'string', maxLength: 512 }, maxItems: MAX_SEARCH_FIELDS } as const;

/** A collection's search settings (see docs/search.md); only searchableFields is required. */
const searchSettingsSchema = {
  type: 'object',
  required: ['searchableFields'],
  additionalProperties: false,
  properties: {
    searchableFields: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_SEARCH_FIELDS,
      items: {
        type: 'object',
        required: ['field'],
        additionalProperties: false,
        properties: {
          field: { type: 'string', maxLength: 512 },
          weight: { anyOf: [{ type: 'string', enum: [...SEARCH_WEIGHT_CLASSES] }, { type: 'number' }], default: 'D', description: 'A (strongest) to D, or a positive number' },
        },
      },
    },
    filterableFields: searchFieldList,
    facetableFields: searchFieldList,
    sortableFields: searchFieldList,
    language: { type: 'string', enum: [...SEARCH_LANGUAGES], default: 'simple', description: 'PostgreSQL text search configuration' },
    synonyms: {
      type: 'object',
      maxProperties: MAX_SYNONYM_KEYS,
      additionalProperties: { type: 'array', minItems: 1, maxItems: MAX_SYNONYMS_PER_WORD, items: { type: 'string', maxLength: 200 } },
      description: 'A query word also matches each of its synonyms (one-way)',
    },
    stopWords: { type: 'array', maxItems: MAX_STOP_WORDS, items: { type: 'string', maxLength: 64 } },
  },
} as const;

const definitionProperties = {
  description: { type: 'string', maxLength: 2000 },
  schema: { type: 'object', additionalProperties: true, description: 'JSON Schema (draft 2020-12) for the data of every record' },
  uniqueFields: { type: 'array', items: { type: 'string', maxLength: 512 }, maxItems: 16 },
  indexedFields: { type: 'array', items: indexedFieldSchema, maxItems: 32 },
  search: searchSettingsSchema,
} as const;

export const createCollectionBody = {
  type: 'object',
  required: ['name', 'schema'],
  additionalProperties: false,
  properties: { name: { type: 'string', maxLength: 63 }, ...definitionProperties },
} as const;

export const updateCollectionBody = {
  type: 'object',
  required: ['schema'],
  additionalProperties: false,
  properties: definitionProperties,
} as const;

export const collectionSchema = {
  $id: 'Collection',
  type: 'object',
  required: ['name', 'description', 'schema', 'uniqueFields', 'indexedFields', 'version', 'createdAt', 'updatedAt'],
  properties: {
    name: { type: 'string' },
    ...definitionProperties,
    search: { anyOf: [searchSettingsSchema, { type: 'null' }] },
    version: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const createRecordBody = {
  type: 'object',
  required: ['data'],
  additionalProperties: false,
  properties: { id: recordIdParam, data: { type: 'object', description: 'The record: must satisfy the collection schema' } },
} as const;

export const replaceRecordBody = {
  type: 'object',
  required: ['data'],
  additionalProperties: false,
  properties: { data: { type: 'object' } },
} as const;

export const mergePatchBody = { type: 'object', description: 'JSON Merge Patch (RFC 7396) of the record data' } as const;

const expectedVersion = { type: 'integer', minimum: 1, description: 'Fail with 412 unless the record is at this version' } as const;

export const bulkBody = {
  type: 'object',
  required: ['operations'],
  additionalProperties: false,
  properties: {
    operations: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_BULK_OPERATIONS,
      items: {
        type: 'object',
        required: ['op'],
        properties: {
          op: { type: 'string', enum: ['create', 'replace', 'patch', 'delete', 'restore', 'purge'] },
          id: recordIdParam,
          data: { type: 'object' },
          patch: { type: 'object' },
          expectedVersion,
        },
        additionalProperties: false,
        allOf: [
          { if: { properties: { op: { const: 'create' } } }, then: { required: ['data'] } },
          { if: { properties: { op: { const: 'replace' } } }, then: { required: ['id', 'data'] } },
          { if: { properties: { op: { const: 'patch' } } }, then: { required: ['id', 'patch'] } },
          { if: { properties: { op: { enum: ['delete', 'restore', 'purge'] } } }, then: { required: ['id'] } },
        ],
      },
    },
  },
} as const;

export const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    filter: { type: 'string', maxLength: 4096, description: 'Filter expression (docs/filters.md)' },
    sort: { type: 'string', maxLength: 520, pattern: '^-?[A-Za-z_][A-Za-z0-9_.]*$', default: 'id', description: 'Field to sort by; prefix with - for descending' },
    limit: { type: 'integer', minimum: 1, maximum: 1000, default: 50 },
    cursor: { type: 'string', maxLength: 2048 },
    includeTotal: { type: 'boolean', default: false },
    includeDeleted: { type: 'boolean', default: false },
  },
} as const;

export const ifMatchHeaders = {
  type: 'object',
  properties: {
    'if-match': { type: 'string', description: 'ETag of the version this write expects' },
    'idempotency-key': { type: 'string', description: 'Makes retries of this write safe' },
  },
} as const;
